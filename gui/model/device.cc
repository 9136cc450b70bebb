#include "cairn/gui/device.h"

#include <random>

#include "cairn/platform/fingerprint.h"
#include "cairn/platform/origin.h"
#include "cairn/sync/client/device_identity.h"

namespace cairn::gui {
namespace {

std::string Trim(std::string_view s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return "";
  size_t e = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(b, e - b + 1));
}

}  // namespace

std::string NewEntityId(std::string_view stem_from) {
  std::string stem;
  for (char ch : stem_from) {
    unsigned char c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) && c < 0x80) {
      stem += static_cast<char>(std::tolower(c));
    } else if (!stem.empty() && stem.back() != '-') {
      stem += '-';
    }
    if (stem.size() >= 16) break;
  }
  while (!stem.empty() && stem.back() == '-') stem.pop_back();
  if (stem.empty()) stem = "x";
  static constexpr char kDigits[] = "0123456789abcdefghijklmnopqrstuvwxyz";
  std::random_device rd;
  std::string suffix;
  for (int i = 0; i < 6; ++i) suffix += kDigits[rd() % 36];
  return stem + "-" + suffix;
}

Result<Device> OpenDevice(const EnvLookup& env) {
  Device device;
  CAIRN_ASSIGN_OR_RETURN(device.paths, ResolvePaths(env));
  CAIRN_RETURN_IF_ERROR(CreateDirectories(device.paths));
  device.store_file = sync::StoreFile(device.paths.data);
  StoreOptions options;
  options.path = device.store_file;
  options.create_if_missing = true;
  CAIRN_ASSIGN_OR_RETURN(device.store, Store::Open(options));
  device.needs_setup = !device.store->initialized();
  // As cairnctl does on every start (sync/client/device_identity.h): a store
  // copied from another machine takes a new device id before it records anything.
  CAIRN_ASSIGN_OR_RETURN(
      device.identity_note,
      sync::RenewIdentityIfMoved(*device.store, device.paths.data, DefaultFingerprintSources(env)));
  return device;
}

Result<std::string> SetUpStandalone(Device& device, const StandaloneSetup& setup,
                                    TeacherPins& pins) {
  std::string school = Trim(setup.school), class_name = Trim(setup.class_name);
  std::string teacher = Trim(setup.teacher);
  std::vector<std::string> learners;
  for (const std::string& name : setup.learners) {
    if (std::string n = Trim(name); !n.empty()) learners.push_back(n);
  }
  if (school.empty()) return Status::InvalidArgument("the school needs a name");
  if (class_name.empty()) return Status::InvalidArgument("the class needs a name");
  if (learners.empty()) return Status::InvalidArgument("add at least one student");
  if (teacher.empty()) return Status::InvalidArgument("the teacher needs a name");
  CAIRN_RETURN_IF_ERROR(TeacherPins::CheckForm(setup.pin));
  if (setup.pin != setup.pin_again) {
    return Status::InvalidArgument("the two PINs are not the same; type them again");
  }
  Store& store = *device.store;
  if (store.initialized()) {
    return Status::FailedPrecondition("this device is already set up (" +
                                      device.store_file.string() + ")");
  }
  // As `cairnctl init` does: a device id left by a store that is gone belongs to
  // ops this store will never hold.
  std::error_code ec;
  std::filesystem::remove(sync::OriginFile(device.paths.data), ec);
  CAIRN_ASSIGN_OR_RETURN(Origin self, LoadOrCreateOrigin(sync::OriginFile(device.paths.data)));
  CAIRN_RETURN_IF_ERROR(store.Initialize(self, StoreMode::kStandalone));

  std::string school_id = NewEntityId(school), class_id = NewEntityId(class_name);
  std::string teacher_id = NewEntityId(teacher);
  std::vector<std::pair<std::string, nlohmann::json>> ops;
  ops.push_back({"school", {{"school", school_id}, {"name", school}}});
  ops.push_back({"class", {{"class", class_id}, {"school", school_id}, {"name", class_name}}});
  ops.push_back({"teacher", {{"teacher", teacher_id}, {"school", school_id}, {"name", teacher}}});
  ops.push_back(
      {"class_teacher", {{"class", class_id}, {"teacher", teacher_id}, {"active", true}}});
  for (const std::string& name : learners) {
    std::string id = NewEntityId(name);
    ops.push_back({"learner", {{"learner", id}, {"school", school_id}, {"display_name", name}}});
    ops.push_back({"enrollment", {{"class", class_id}, {"learner", id}, {"active", true}}});
  }
  CAIRN_RETURN_IF_ERROR(store.AppendAll(ops).status());
  // Should the file not be writable, the teacher's first sign-in asks again
  // (ChooseFirstPin): the classroom is set up either way.
  CAIRN_RETURN_IF_ERROR(pins.Set(teacher_id, setup.pin));
  return teacher_id;
}

std::unique_ptr<Joining> Joining::Start(sync::EnrollRequest request, std::function<void()> answered,
                                        sync::ClientOptions options) {
  auto joining = std::unique_ptr<Joining>(new Joining());
  request.token_or_code = Trim(request.token_or_code);
  request.server_url = Trim(request.server_url);
  if (request.name.empty()) request.name = sync::DeviceName();
  joining->answer_ = std::async(
      std::launch::async, [origin = joining->origin_, request = std::move(request),
                           options = std::move(options), answered = std::move(answered)]() {
        Result<sync::SyncRecord> record = sync::Enroll(request, origin, options);
        if (answered) answered();
        return record;
      });
  return joining;
}

Joining::~Joining() {
  if (answer_.valid()) answer_.wait();
}

bool Joining::answered() const {
  return answer_.valid() && answer_.wait_for(std::chrono::seconds(0)) == std::future_status::ready;
}

Result<sync::SyncRecord> Joining::Finish(Device& device) {
  if (!answer_.valid()) return Status::FailedPrecondition("this join was finished already");
  CAIRN_ASSIGN_OR_RETURN(sync::SyncRecord record, answer_.get());
  Store& store = *device.store;
  if (store.initialized()) {
    return Status::FailedPrecondition("this device is already set up (" +
                                      device.store_file.string() + ")");
  }
  CAIRN_RETURN_IF_ERROR(sync::AdoptEnrollment(store, device.paths.data, origin_, record));
  device.needs_setup = false;
  return record;
}

}  // namespace cairn::gui
