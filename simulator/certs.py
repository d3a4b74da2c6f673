"""Certificates: the CA and TLS server certificate the simulator listens with, and deterministic PEMs for data.

The TLS pair is generated at start (EC P-256, fast) with SANs 127.0.0.1, localhost, ::1 and any extra host, and
cached per process and SAN set so a test suite starting many simulators pays for it once. Data certificates
(``/certificates/``, ``vms.ssl_certificate``) are Ed25519 with a key derived from the seed: Ed25519 signatures
are deterministic, so the same seed gives byte-identical PEMs.
"""
import datetime
import hashlib
import ipaddress
import os
import tempfile
import threading

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

_lock = threading.Lock()
_cache = {}


def _san_entries(hosts):
    out, seen = [], set()
    for host in hosts:
        if not host or host in seen:
            continue
        seen.add(host)
        try:
            out.append(x509.IPAddress(ipaddress.ip_address(host.strip("[]"))))
        except ValueError:
            out.append(x509.DNSName(host))
    return out


def _name(cn):
    return x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "VMS simulator"),
                      x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def tls_files(hosts, cert_dir=None):
    """Return (ca_path, cert_path, key_path) for a server certificate valid for ``hosts`` (plus the defaults)."""
    hosts = ["127.0.0.1", "localhost", "::1"] + [h for h in hosts if h]
    key = (tuple(sorted(set(hosts))), cert_dir)
    with _lock:
        if key in _cache and all(os.path.exists(p) for p in _cache[key]):
            return _cache[key]
        directory = cert_dir or tempfile.mkdtemp(prefix="vms-sim-tls-")
        os.makedirs(directory, exist_ok=True)
        now = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=5)
        ca_key = ec.generate_private_key(ec.SECP256R1())
        ca_cert = (x509.CertificateBuilder().subject_name(_name("VMS simulator test CA"))
                   .issuer_name(_name("VMS simulator test CA")).public_key(ca_key.public_key())
                   .serial_number(x509.random_serial_number()).not_valid_before(now)
                   .not_valid_after(now + datetime.timedelta(days=30))
                   .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
                   .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                                                content_commitment=False, key_encipherment=False,
                                                data_encipherment=False, key_agreement=False, encipher_only=False,
                                                decipher_only=False), critical=True)
                   .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
                   .sign(ca_key, hashes.SHA256()))
        srv_key = ec.generate_private_key(ec.SECP256R1())
        srv_cert = (x509.CertificateBuilder().subject_name(_name(hosts[0])).issuer_name(ca_cert.subject)
                    .public_key(srv_key.public_key()).serial_number(x509.random_serial_number())
                    .not_valid_before(now).not_valid_after(now + datetime.timedelta(days=29))
                    .add_extension(x509.SubjectAlternativeName(_san_entries(hosts)), critical=False)
                    .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
                    .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
                    .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
                                   critical=False)
                    .sign(ca_key, hashes.SHA256()))
        paths = (os.path.join(directory, "ca.pem"), os.path.join(directory, "server.pem"),
                 os.path.join(directory, "server.key"))
        _write(paths[0], ca_cert.public_bytes(serialization.Encoding.PEM))
        _write(paths[1], srv_cert.public_bytes(serialization.Encoding.PEM) +
               ca_cert.public_bytes(serialization.Encoding.PEM))
        _write(paths[2], srv_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                               serialization.NoEncryption()), private=True)
        _cache[key] = paths
        return paths


def _write(path, data, private=False):
    tmp = path + ".tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600 if private else 0o644)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    os.replace(tmp, path)


def _seed_key(seed_text):
    return ed25519.Ed25519PrivateKey.from_private_bytes(hashlib.sha256(("key:" + seed_text).encode()).digest())


def data_certificate(seed_text, common_name, not_before, not_after, issuer=None):
    """Deterministic (PEM text) certificate for generated data: same inputs, same bytes.

    ``issuer`` is ``(issuer_seed_text, issuer_common_name)``; without it the certificate is self-signed.
    """
    key = _seed_key(seed_text)
    issuer_key, issuer_cn = (_seed_key(issuer[0]), issuer[1]) if issuer else (key, common_name)
    serial = int.from_bytes(hashlib.sha256(("serial:" + seed_text).encode()).digest()[:16], "big") >> 1
    builder = (x509.CertificateBuilder().subject_name(_name(common_name)).issuer_name(_name(issuer_cn))
               .public_key(key.public_key()).serial_number(serial)
               .not_valid_before(not_before).not_valid_after(not_after))
    if issuer:
        builder = builder.add_extension(x509.SubjectAlternativeName([x509.DNSName(common_name)]), critical=False)
    else:
        builder = builder.add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
    return builder.sign(issuer_key, None).public_bytes(serialization.Encoding.PEM).decode()
