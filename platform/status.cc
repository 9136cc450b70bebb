#include "cairn/platform/status.h"

namespace cairn {
namespace {

const char* CodeName(Status::Code code) {
  switch (code) {
    case Status::Code::kOk: return "ok";
    case Status::Code::kNotFound: return "not found";
    case Status::Code::kInvalidArgument: return "invalid argument";
    case Status::Code::kCorruption: return "corruption";
    case Status::Code::kBusy: return "busy";
    case Status::Code::kIoError: return "I/O error";
    case Status::Code::kFailedPrecondition: return "failed precondition";
    case Status::Code::kNotSupported: return "not supported";
    case Status::Code::kUnavailable: return "unavailable";
  }
  return "unknown";
}

}  // namespace

std::string Status::ToString() const {
  if (ok()) return "ok";
  return std::string(CodeName(code_)) + ": " + message_;
}

Status Status::WithContext(const std::string& context) const {
  if (ok()) return *this;
  return Status(code_, context + ": " + message_);
}

}  // namespace cairn
