"""Certificates for the TAK feed: the command's own certificate authority, the feed's
server certificate and one client certificate per device.

TAK devices connect over TLS with a client certificate; the feed reads the device's
agency from the certificate's organisation (O) and its clearance from an organisational
unit ``nivel-N``. Whoever holds the CA key decides both, so the key stays with the
operators (file mode 0600) and is never copied to a device. A device gets its
certificate and key as PEM files and as a PKCS#12 bundle (what ATAK imports).
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

CA_DAYS = 3650
LEAF_DAYS = 365


@dataclass(frozen=True)
class Issued:
    cert: Path
    key: Path
    p12: Path | None = None


def _write_key(path: Path, key: ec.EllipticCurvePrivateKey) -> None:
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    path.chmod(0o600)


def _load(folder: Path) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    cert = x509.load_pem_x509_certificate((folder / "ca.pem").read_bytes())
    key = serialization.load_pem_private_key((folder / "ca.key").read_bytes(), password=None)
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        raise ValueError("ca.key is not an EC key issued by this tool")
    return cert, key


def ensure_ca(folder: Path, name: str = "Kuntur TAK CA") -> Path:
    """The CA in ``folder`` (``ca.pem``, ``ca.key``), made on first use."""
    folder.mkdir(parents=True, exist_ok=True)
    if (folder / "ca.pem").exists() and (folder / "ca.key").exists():
        return folder / "ca.pem"
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=CA_DAYS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                key_cert_sign=True,
                crl_sign=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    _write_key(folder / "ca.key", key)
    (folder / "ca.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return folder / "ca.pem"


def _leaf(
    folder: Path,
    stem: str,
    subject: x509.Name,
    usage: x509.ObjectIdentifier,
    sans: list[x509.GeneralName],
) -> tuple[Issued, x509.Certificate, ec.EllipticCurvePrivateKey]:
    ensure_ca(folder)
    ca_cert, ca_key = _load(folder)
    key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=LEAF_DAYS))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
    )
    if sans:
        builder = builder.add_extension(x509.SubjectAlternativeName(sans), critical=False)
    cert = builder.sign(ca_key, hashes.SHA256())
    cert_path, key_path = folder / f"{stem}.pem", folder / f"{stem}.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    _write_key(key_path, key)
    return Issued(cert_path, key_path), cert, key


def issue_server(folder: Path, host: str) -> Issued:
    """The feed's own certificate, for ``host`` (a name or an address)."""
    try:
        san: x509.GeneralName = x509.IPAddress(ipaddress.ip_address(host))
    except ValueError:
        san = x509.DNSName(host)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)])
    issued, _, _ = _leaf(folder, "server", subject, ExtendedKeyUsageOID.SERVER_AUTH, [san])
    return issued


def issue_device(
    folder: Path, device: str, agency: str, clearance: int = 0, password: str = ""
) -> Issued:
    """A device's certificate: CN the device, O its agency, OU ``nivel-N`` its clearance."""
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in device)[:60] or "device"
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, device[:64]),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, agency.upper()[:64]),
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, f"nivel-{int(clearance)}"),
        ]
    )
    issued, cert, key = _leaf(
        folder, f"device-{safe}", subject, ExtendedKeyUsageOID.CLIENT_AUTH, []
    )
    ca_cert, _ = _load(folder)
    encryption = (
        serialization.BestAvailableEncryption(password.encode())
        if password
        else serialization.NoEncryption()
    )
    p12 = folder / f"device-{safe}.p12"
    p12.write_bytes(
        pkcs12.serialize_key_and_certificates(
            device.encode()[:64], key, cert, [ca_cert], encryption
        )
    )
    p12.chmod(0o600)
    return Issued(issued.cert, issued.key, p12)
