// The device store as the client opens it: the same file cairnctl uses
// ($CAIRN_HOME, else the XDG data directory; platform/paths.h), owned by this
// process while it runs (the store's lock file).
#pragma once

#include <filesystem>
#include <functional>
#include <future>
#include <memory>
#include <string>
#include <vector>

#include "cairn/agent/store.h"
#include "cairn/agent/teacher_pin.h"
#include "cairn/platform/origin.h"
#include "cairn/platform/paths.h"
#include "cairn/platform/status.h"
#include "cairn/sync/client/client.h"
#include "cairn/sync/client/sync_record.h"

namespace cairn::gui {

struct Device {
  Paths paths;
  std::filesystem::path store_file;
  std::unique_ptr<Store> store;
  // No identity yet: first run. The client shows the setup screen.
  bool needs_setup = false;
  // Set when opening found the store had last run on another machine (a cloned
  // disk, a restored backup) and gave it a new device id: what happened, for people.
  std::string identity_note;
};

// Opens (creating the directories and an empty file on first run) the device's
// store, and renews its identity when it last ran on another machine (machine
// fingerprint from `env`'s CAIRN_MACHINE_ID_FILE, else /etc/machine-id). kBusy
// when another process owns it (cairnctl, another window): the message says which pid.
Result<Device> OpenDevice(const EnvLookup& env = ProcessEnv());

// What the setup screen asks for a standalone classroom.
struct StandaloneSetup {
  std::string school;
  std::string class_name;
  std::vector<std::string> learners;  // display names, one per student
  std::string teacher;                // the teacher's name
  std::string pin, pin_again;         // the teacher's PIN, typed twice
};

// Gives the device its identity as a standalone classroom (it is its own
// authority) and records the school, the class, its learners, their
// enrollments and its teacher in one transaction, then the teacher's PIN in
// `pins`: no teacher is left without a way in, and there is no default PIN.
// Returns the teacher's id. kInvalidArgument (nothing stored) for an empty
// school, class or teacher name, no learner, or a PIN not of 4 to 8 digits or
// not typed the same twice; kFailedPrecondition when the store is already set up.
Result<std::string> SetUpStandalone(Device& device, const StandaloneSetup& setup,
                                    TeacherPins& pins);

// Joining a school server: the setup screen's other way. The person types the
// join code IT gave them and the server's address (or pastes a whole enrollment
// token, which names its server). The server answers on a thread of its own, so
// no frame waits on the network; Finish, on the UI thread holding the store,
// then makes this device one of the school's.
class Joining {
 public:
  // Asks the server; `answered` is called on the asking thread once its answer
  // (or the failure to get one) is in: the client wakes its event loop with it.
  static std::unique_ptr<Joining> Start(sync::EnrollRequest request, std::function<void()> answered,
                                        sync::ClientOptions options = {});
  ~Joining();  // waits for the answer, if it is not in yet

  bool answered() const;
  // Once answered(): the store becomes an enrolled device of that server (its
  // device id, the server as its authority, and the sync record beside it),
  // and the record is returned. On a refusal, a bad code or an unreachable
  // server, the status says so for people and nothing is stored: the person
  // may try again, or start a standalone classroom.
  Result<sync::SyncRecord> Finish(Device& device);

 private:
  Origin origin_ = Origin::Random();
  std::future<Result<sync::SyncRecord>> answer_;
};

// A fresh id for an entity: a short stem from `name` and a random suffix.
std::string NewEntityId(std::string_view stem_from);

}  // namespace cairn::gui
