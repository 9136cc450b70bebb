#include "cairn/agent/artifact.h"

#include <algorithm>
#include <cctype>
#include <utility>

namespace cairn {

std::string MediaTypeOf(const std::filesystem::path& file) {
  std::string ext = file.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  static const std::pair<const char*, const char*> kTypes[] = {
      {".jpg", "image/jpeg"},     {".jpeg", "image/jpeg"},      {".png", "image/png"},
      {".gif", "image/gif"},      {".webp", "image/webp"},      {".heic", "image/heic"},
      {".pdf", "application/pdf"}, {".txt", "text/plain"},      {".md", "text/markdown"},
      {".mp4", "video/mp4"},      {".webm", "video/webm"},      {".mov", "video/quicktime"},
      {".m4a", "audio/mp4"},      {".mp3", "audio/mpeg"},       {".ogg", "audio/ogg"},
      {".wav", "audio/wav"},      {".json", "application/json"}};
  for (const auto& [e, type] : kTypes) {
    if (ext == e) return type;
  }
  return "application/octet-stream";
}

Result<Attachment> AttachFile(BlobStore& blobs, const std::filesystem::path& file) {
  Attachment a;
  CAIRN_ASSIGN_OR_RETURN(a.blob, blobs.AddFile(file));
  a.media_type = MediaTypeOf(file);
  a.name = file.filename().string().substr(0, 255);
  return a;
}

nlohmann::json ArtifactBody(const Attachment& attachment, const std::vector<std::string>& learners,
                            std::string_view teacher) {
  nlohmann::json body = {{"learners", learners},
                         {"sha256", attachment.blob.sha256},
                         {"size", attachment.blob.size},
                         {"media_type", attachment.media_type}};
  if (!attachment.name.empty()) body["name"] = attachment.name;
  if (!teacher.empty()) body["teacher"] = std::string(teacher);
  return body;
}

Result<OpId> AppendObservationWithFile(Store& store, BlobStore& blobs, nlohmann::json observation,
                                       const std::filesystem::path& file) {
  CAIRN_ASSIGN_OR_RETURN(Attachment attached, AttachFile(blobs, file));
  std::vector<std::string> learners;
  if (auto it = observation.find("learners"); it != observation.end() && it->is_array()) {
    for (const auto& l : *it) {
      if (l.is_string()) learners.push_back(l.get<std::string>());
    }
  }
  observation["artifacts"].push_back(attached.blob.sha256);
  CAIRN_ASSIGN_OR_RETURN(
      std::vector<OpId> ids,
      store.AppendAll({{"artifact", ArtifactBody(attached, learners,
                                                 observation.value("teacher", std::string()))},
                       {"observation", std::move(observation)}}));
  return ids.back();
}

}  // namespace cairn
