#include "cairn/sync/server/tls.h"

#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <sys/stat.h>

#include <cstdio>
#include <memory>
#include <system_error>

#include "cairn/platform/origin.h"
#include "cairn/sync/enrollment_token.h"

namespace cairn::server {
namespace {

struct Free {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
  void operator()(EVP_PKEY_CTX* p) const { EVP_PKEY_CTX_free(p); }
  void operator()(X509* p) const { X509_free(p); }
  void operator()(BIO* p) const { BIO_free(p); }
};
template <typename T>
using Owned = std::unique_ptr<T, Free>;

std::string BioText(BIO* bio) {
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<size_t>(n));
}

}  // namespace

Result<TlsFiles> EnsureSelfSignedCertificate(const std::filesystem::path& dir) {
  TlsFiles files{dir / "tls" / "cert.pem", dir / "tls" / "key.pem"};
  if (std::filesystem::exists(files.cert) && std::filesystem::exists(files.key)) return files;
  std::error_code ec;
  std::filesystem::create_directories(dir / "tls", ec);
  if (ec) return Status::IoError("cannot create " + (dir / "tls").string() + ": " + ec.message());
  ::chmod((dir / "tls").c_str(), 0700);

  Owned<EVP_PKEY_CTX> kctx(EVP_PKEY_CTX_new_id(EVP_PKEY_EC, nullptr));
  EVP_PKEY* raw_key = nullptr;
  if (!kctx || EVP_PKEY_keygen_init(kctx.get()) <= 0 ||
      EVP_PKEY_CTX_set_ec_paramgen_curve_nid(kctx.get(), NID_X9_62_prime256v1) <= 0 ||
      EVP_PKEY_keygen(kctx.get(), &raw_key) <= 0) {
    return Status::IoError("cannot generate an EC P-256 key (OpenSSL)");
  }
  Owned<EVP_PKEY> key(raw_key);
  Owned<X509> cert(X509_new());
  X509_set_version(cert.get(), 2);
  std::string serial = sync::RandomSecret(8);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()),
                   static_cast<long>(sync::Sha256(serial)[0] & 0x7f) + 1);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -24 * 3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 10L * 365 * 24 * 3600);
  X509_set_pubkey(cert.get(), key.get());
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("cairn-server"), -1, -1, 0);
  X509_set_issuer_name(cert.get(), name);
  if (X509_sign(cert.get(), key.get(), EVP_sha256()) <= 0) {
    return Status::IoError("cannot sign the certificate (OpenSSL)");
  }
  Owned<BIO> key_bio(BIO_new(BIO_s_mem()));
  Owned<BIO> cert_bio(BIO_new(BIO_s_mem()));
  if (PEM_write_bio_PrivateKey(key_bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) !=
          1 ||
      PEM_write_bio_X509(cert_bio.get(), cert.get()) != 1) {
    return Status::IoError("cannot write the key or certificate (OpenSSL)");
  }
  // The key first: a certificate without its key would be taken as complete.
  CAIRN_RETURN_IF_ERROR(WriteFileAtomic(files.key, BioText(key_bio.get()), 0600));
  CAIRN_RETURN_IF_ERROR(WriteFileAtomic(files.cert, BioText(cert_bio.get()), 0644));
  return files;
}

Result<std::string> SpkiPin(const std::filesystem::path& cert) {
  FILE* f = std::fopen(cert.c_str(), "r");
  if (!f) return Status::NotFound("cannot read the certificate " + cert.string());
  Owned<X509> x(PEM_read_X509(f, nullptr, nullptr, nullptr));
  std::fclose(f);
  if (!x) return Status::InvalidArgument(cert.string() + " holds no PEM certificate");
  unsigned char* der = nullptr;
  int len = i2d_PUBKEY(X509_get0_pubkey(x.get()), &der);
  if (len <= 0) return Status::InvalidArgument(cert.string() + ": cannot read its public key");
  std::string spki(reinterpret_cast<const char*>(der), static_cast<size_t>(len));
  OPENSSL_free(der);
  return sync::Sha256(spki);
}

}  // namespace cairn::server
