"""SMTP with STARTTLS and with implicit TLS against a real aiosmtpd server holding a certificate signed by a
test CA: the scheduler verifies the certificate with ``cafile`` and logs in only over TLS."""

from __future__ import annotations

import datetime as dt
import ssl
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from bheem_nb.scheduler import Scheduler, load_config
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.conftest import free_port
from tests.scheduler.conftest import SMTP_PASSWORD, SMTP_USER, Shop, SmtpServer, _Handler, base_config, write_config


def _certificate(folder: Path) -> tuple[Path, Path, Path]:
    """(CA certificate, server certificate, server key) for 127.0.0.1, written as PEM files."""
    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "bheem test CA")])
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
          .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(hours=1))
          .not_valid_after(now + dt.timedelta(days=1))
          .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
          .sign(ca_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    import ipaddress

    cert = (x509.CertificateBuilder().subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
            .issuer_name(ca_name).public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(hours=1)).not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .sign(ca_key, hashes.SHA256()))
    paths = folder / "ca.pem", folder / "server.pem", folder / "server.key"
    paths[0].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paths[1].write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    paths[2].write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return paths


@pytest.fixture(params=["starttls", "ssl"])
def tls_server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, Path, SmtpServer]]:
    ca, cert, key = _certificate(tmp_path)
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(cert, key)
    server = SmtpServer("127.0.0.1", free_port())

    def authenticate(smtp: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        ok = isinstance(data, LoginPassword) and (data.login.decode(), data.password.decode()) == (
            SMTP_USER, SMTP_PASSWORD)
        return AuthResult(success=ok)

    # implicit TLS: the whole connection is TLS, but aiosmtpd only counts STARTTLS for auth_require_tls
    options: dict[str, Any] = {"tls_context": ctx, "require_starttls": True, "auth_require_tls": True} \
        if request.param == "starttls" else {"ssl_context": ctx, "auth_require_tls": False}
    controller = Controller(_Handler(server), hostname=server.host, port=server.port, authenticator=authenticate,
                            **options)
    controller.start()
    try:
        yield request.param, ca, server
    finally:
        controller.stop()


def test_email_over_tls(tls_server: tuple[str, Path, SmtpServer], shop: Shop, tmp_path: Path,
                        monkeypatch: pytest.MonkeyPatch) -> None:
    mode, ca, server = tls_server
    monkeypatch.setenv("BHEEM_TEST_SMTP_PASSWORD", SMTP_PASSWORD)
    job = {"name": "rev", "kind": "alert", "model": str(shop.model), "owner": "ops@acme.com",
           "query": {"measures": ["revenue"]}, "condition": {"op": ">", "value": 0},
           "deliver": [{"email": {"to": ["cfo@acme.com"]}}]}
    data = base_config(tmp_path, server, [job])
    data["smtp"].update({"tls": mode, "cafile": str(ca), "timeout": 10})
    sched = Scheduler(load_config(write_config(tmp_path / "jobs.yml", data)))
    run = sched.run_now("rev")
    assert run.status == "succeeded", run.error
    total = shop.execute("SELECT sum(amount) FROM orders")[0][0]
    assert [m.recipients for m in server.mails] == [["cfo@acme.com"]]
    assert server.mails[0].subject.startswith("[bheem alert] rev: revenue > 0")
    assert str(total)[:6] in server.mails[0].html()

    data["smtp"].pop("cafile")  # the test CA is not trusted by default: the certificate is refused
    sched = Scheduler(load_config(write_config(tmp_path / "jobs.yml", data)))
    sched.store.save_alert_state("rev", type(sched.store.alert_state("rev"))())
    failed = sched.run_now("rev")
    assert failed.status == "failed" and "CERTIFICATE_VERIFY_FAILED" in (failed.error or "")
    assert len(server.mails) == 1
