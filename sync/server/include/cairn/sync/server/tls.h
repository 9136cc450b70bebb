// The server's TLS certificate: generated on first start unless one is given,
// and its public-key pin, which enrollment tokens carry.
#pragma once

#include <filesystem>
#include <string>

#include "cairn/platform/status.h"

namespace cairn::server {

struct TlsFiles {
  std::filesystem::path cert;  // PEM certificate
  std::filesystem::path key;   // PEM private key (mode 0600)
};

// `dir`/tls/cert.pem and key.pem, created when missing: an EC P-256 key and a
// self-signed certificate valid for ten years (the pin, not the name or the
// dates, is what devices check). Existing files are used as they are.
Result<TlsFiles> EnsureSelfSignedCertificate(const std::filesystem::path& dir);

// SHA-256 of the DER SubjectPublicKeyInfo of the PEM certificate in `cert`:
// 32 raw bytes. kInvalidArgument when the file holds no certificate.
Result<std::string> SpkiPin(const std::filesystem::path& cert);

}  // namespace cairn::server
