#!/usr/bin/env python3
"""Differential oracle for event-core/tests/differential.rs (research §5.1, §6.4, R20).

Generates a fresh RSA-2048 "Google" key and a second "attacker" key, serves the Google key on
127.0.0.1 both as a PEM/x509 map (``/oauth2/v1/certs``) and as a JWKS (``/oauth2/v3/certs``),
mints one token per row of the attack catalogue (research §5.1 plus a few extras), and asks
google-auth for its verdict on each token along both paths:

* ``py_v1``: ``google.oauth2.id_token.verify_token(..., certs_url=<v1>)`` followed by the issuer
  check, exactly what ``verify_oauth2_token`` does (google-auth's own JWT code);
* ``py_v3``: the same with the JWKS URL (google-auth hands over to PyJWT).

Any exception is a rejection. Prints ONE JSON document on stdout:
``{"now", "audience", "email", "jwks", "versions", "oracle_seconds",
"oracle_started_after_mint_seconds", "cases": [{"name", "token", "py_v1", "py_v3"}]}``. Case names and order are fixed; keys, ``kid`` and timestamps are fresh each run.
Timestamps are relative to ``now`` (the wall clock at minting, whole seconds), and the oracle
runs right after minting with google-auth's default skew of 0, so only the deliberately
skew-sized cases depend on the clock.
"""

import base64
import hashlib
import hmac
import json
import secrets
import sys
import threading
import time
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import cryptography
import jwt
import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID

import google.auth.crypt
import google.auth.jwt
import google.auth.transport.requests
from google.oauth2 import id_token

AUD = "https://events.example.test/gcp-events/events"
EMAIL = "push@test-project.iam.gserviceaccount.com"
SUB = "113774264463038321964"
ISS = "https://accounts.google.com"


# --- keys ---------------------------------------------------------------------------------


def new_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def private_pem(key):
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def public_pem(key):
    return key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def self_signed_cert_pem(key, kid):
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, kid)])
    start = datetime.now(timezone.utc) - timedelta(days=1)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + timedelta(days=3))
        .sign(key, hashes.SHA256())
    )
    return cert.public_bytes(serialization.Encoding.PEM)


def b64u(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def uint_b64u(value):
    return b64u(value.to_bytes((value.bit_length() + 7) // 8, "big"))


def jwk(key, kid):
    numbers = key.public_key().public_numbers()
    return {
        "kty": "RSA",
        "alg": "RS256",
        "use": "sig",
        "kid": kid,
        "n": uint_b64u(numbers.n),
        "e": uint_b64u(numbers.e),
    }


# --- loopback key server ------------------------------------------------------------------


def serve(routes):
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server API)
            body = routes.get(self.path)
            if body is None:
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/json; charset=UTF-8")
            self.send_header(
                "Cache-Control", "public, max-age=21155, must-revalidate, no-transform"
            )
            self.send_header("Age", "12")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):  # keep stdout/stderr clean
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


# --- token building -----------------------------------------------------------------------


def seg(value):
    """base64url (unpadded) of a JSON value, or of raw bytes/str given verbatim."""
    if isinstance(value, str):
        value = value.encode("utf-8")
    if isinstance(value, bytes):
        return b64u(value)
    return b64u(json.dumps(value).encode("utf-8"))


def sign_rs256(key, signing_input):
    return key.sign(signing_input.encode("ascii"), padding.PKCS1v15(), hashes.SHA256())


def by_hand(header, payload, key, sig_encode=b64u):
    """header.payload given as JSON values (or raw text), RS256-signed by `key`."""
    signing_input = seg(header) + "." + seg(payload)
    return signing_input + "." + sig_encode(sign_rs256(key, signing_input))


def resign(signing_input, key):
    """A token over this exact signing input (whatever its encoding), RS256 by `key`."""
    return signing_input + "." + b64u(sign_rs256(key, signing_input))


def to_std_alphabet(text):
    return text.replace("-", "+").replace("_", "/")


def pad(text):
    return text + "=" * (-len(text) % 4)


# --- the oracle ---------------------------------------------------------------------------


def oracle(token, certs_url, request):
    try:
        # Exactly verify_oauth2_token, with the certs URL pointed at our server.
        info = id_token.verify_token(token, request, audience=AUD, certs_url=certs_url)
        if info["iss"] not in id_token._GOOGLE_ISSUERS:
            raise ValueError("wrong issuer")
        return "accept"
    except Exception:  # noqa: BLE001 — any exception is a rejection
        return "reject"


def main():
    google_key = new_key()
    attacker_key = new_key()
    kid = secrets.token_hex(20)
    cert_pem = self_signed_cert_pem(google_key, kid)
    jwks = {"keys": [jwk(google_key, kid)]}

    server = serve(
        {
            "/oauth2/v1/certs": json.dumps({kid: cert_pem.decode("ascii")}).encode(),
            "/oauth2/v3/certs": json.dumps(jwks).encode(),
        }
    )
    base = "http://127.0.0.1:%d" % server.server_address[1]
    v1_url = base + "/oauth2/v1/certs"
    v3_url = base + "/oauth2/v3/certs"

    signer = google.auth.crypt.RSASigner.from_string(private_pem(google_key), key_id=kid)
    signer_no_kid = google.auth.crypt.RSASigner.from_string(private_pem(google_key))
    attacker_same_kid = google.auth.crypt.RSASigner.from_string(
        private_pem(attacker_key), key_id=kid
    )

    now = int(time.time())

    def claims(**changes):
        c = {
            "aud": AUD,
            "azp": SUB,
            "email": EMAIL,
            "email_verified": True,
            "exp": now + 3600,
            "iat": now,
            "iss": ISS,
            "sub": SUB,
        }
        for name, value in changes.items():
            if value is DROP:
                c.pop(name, None)
            else:
                c[name] = value
        return c

    def enc(payload, signer=signer, header=None):
        """Minted by google-auth itself (google.auth.jwt.encode)."""
        return google.auth.jwt.encode(signer, payload, header=header).decode("ascii")

    std_header = {"alg": "RS256", "kid": kid, "typ": "JWT"}
    genuine = enc(claims())
    g_header, g_payload, g_sig = genuine.split(".")

    cases = []

    def case(name, token):
        assert name not in (c[0] for c in cases), name
        cases.append((name, token))

    # Time-sensitive cases first: they are checked by the oracle moments after minting.
    case("iat_5s_future", enc(claims(iat=now + 5)))
    case("expired_30s_ago", enc(claims(iat=now - 3630, exp=now - 30)))

    # Genuine tokens.
    case("valid", genuine)
    case("valid_iss_without_scheme", enc(claims(iss="accounts.google.com")))
    case("valid_exp_float", enc(claims(exp=now + 3600.5)))
    case(
        "valid_header_jku_x5u_ignored",
        enc(
            claims(),
            header={"jku": "https://attacker.example/jwks", "x5u": "https://attacker.example/c"},
        ),
    )
    case(
        "valid_aud_json_escaped",
        by_hand(
            std_header,
            json.dumps(claims(), ensure_ascii=True).replace("/events\"", "/event\\u0073\""),
            google_key,
        ),
    )

    # Algorithm confusion.
    case("alg_none", seg({"alg": "none", "kid": kid, "typ": "JWT"}) + "." + g_payload + ".")
    case("alg_None", seg({"alg": "None", "kid": kid, "typ": "JWT"}) + "." + g_payload + ".")
    for label, secret in (("public_pem", public_pem(google_key)), ("cert_pem", cert_pem)):
        signing_input = seg({"alg": "HS256", "kid": kid, "typ": "JWT"}) + "." + g_payload
        mac = hmac.new(secret, signing_input.encode("ascii"), hashlib.sha256).digest()
        case("alg_hs256_key_" + label, signing_input + "." + b64u(mac))
    rs512_input = seg({"alg": "RS512", "kid": kid, "typ": "JWT"}) + "." + g_payload
    case(
        "alg_rs512_right_key",
        rs512_input
        + "."
        + b64u(google_key.sign(rs512_input.encode(), padding.PKCS1v15(), hashes.SHA512())),
    )
    ps256_input = seg({"alg": "PS256", "kid": kid, "typ": "JWT"}) + "." + g_payload
    pss = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=padding.PSS.DIGEST_LENGTH)
    case(
        "alg_ps256_right_key",
        ps256_input + "." + b64u(google_key.sign(ps256_input.encode(), pss, hashes.SHA256())),
    )
    case(
        "alg_rs256_lowercase",
        by_hand({"alg": "rs256", "kid": kid, "typ": "JWT"}, claims(), google_key),
    )

    # Key selection.
    case("kid_unknown", by_hand({"alg": "RS256", "kid": "f" * 40, "typ": "JWT"}, claims(), google_key))
    case("kid_missing", enc(claims(), signer=signer_no_kid))
    case("kid_empty", by_hand({"alg": "RS256", "kid": "", "typ": "JWT"}, claims(), google_key))
    case("other_key_same_kid", enc(claims(), signer=attacker_same_kid))
    case("header_crit", enc(claims(), header={"crit": ["exp"]}))

    # Time claims.
    case("expired_beyond_skew", enc(claims(iat=now - 3720, exp=now - 120)))
    case("iat_1h_future", enc(claims(iat=now + 3600, exp=now + 7200)))
    case("nbf_1h_future", enc(claims(nbf=now + 3600)))
    case("exp_2_days_ahead", enc(claims(exp=now + 2 * 86400)))
    case("exp_missing", enc(claims(exp=DROP)))
    case("iat_missing", enc(claims(iat=DROP)))
    case("exp_numeric_string", enc(claims(exp=str(now + 3600))))
    case("iat_numeric_string", enc(claims(iat=str(now))))

    # Audience.
    case("aud_wrong", enc(claims(aud="https://other.example.test/gcp-events/events")))
    case("aud_trailing_slash", enc(claims(aud=AUD + "/")))
    case("aud_upper_case", enc(claims(aud=AUD.upper())))
    case("aud_missing", enc(claims(aud=DROP)))
    case("aud_array_containing_ours", enc(claims(aud=[AUD, "https://other.example.test/"])))
    case("aud_array_only_ours", enc(claims(aud=[AUD])))
    duplicate = json.dumps(claims()).replace(
        '"aud": "%s"' % AUD, '"aud": "%s", "aud": "https://other.example.test/"' % AUD
    )
    case("aud_duplicate_ours_first", by_hand(std_header, duplicate, google_key))
    duplicate = json.dumps(claims()).replace(
        '"aud": "%s"' % AUD, '"aud": "https://other.example.test/", "aud": "%s"' % AUD
    )
    case("aud_duplicate_ours_last", by_hand(std_header, duplicate, google_key))

    # Issuer.
    case("iss_wrong", enc(claims(iss="https://attacker.example")))
    case("iss_http_scheme", enc(claims(iss="http://accounts.google.com")))
    case("iss_missing", enc(claims(iss=DROP)))

    # Caller (403 for us: genuine and addressed to us, but not an allowed principal).
    case("email_verified_false", enc(claims(email_verified=False)))
    case("email_verified_string_true", enc(claims(email_verified="true")))
    case("email_verified_missing", enc(claims(email_verified=DROP)))
    case("email_other", enc(claims(email="other@evil-project.iam.gserviceaccount.com")))
    case("email_upper_cased", enc(claims(email=EMAIL.upper())))
    case("email_missing", enc(claims(email=DROP)))

    # Signature tampering.
    case("sig_truncated", genuine[:-10])
    case("sig_empty", g_header + "." + g_payload + ".")
    raw_sig = bytearray(base64.urlsafe_b64decode(pad(g_sig)))
    raw_sig[len(raw_sig) // 2] ^= 0x01
    case("sig_bit_flipped", g_header + "." + g_payload + "." + b64u(bytes(raw_sig)))
    other_payload = seg(claims(email="other@evil-project.iam.gserviceaccount.com"))
    case("payload_swapped", g_header + "." + other_payload + "." + g_sig)
    case(
        "sig_removed_by_google_marker",
        g_header + "." + g_payload + ".SIGNATURE_REMOVED_BY_GOOGLE",
    )

    # Base64 variants, each correctly signed over exactly the text sent (so only the decoder's
    # strictness decides). The "pad" claim makes every segment need padding and contain
    # characters that differ between the two alphabets.
    def b64_variant(encode_segment):
        h = seg(std_header)
        for extra in range(8):
            if len(h) % 4:
                break
            h = seg(dict(std_header, cty="x" * extra))
        p = seg(claims())
        for extra in range(64):
            if len(p) % 4 and "-" in p and "_" in p:
                break
            p = seg(claims(pad="~~~>>>???" + "?" * extra))
        assert len(h) % 4 and len(p) % 4, "could not make the segments need padding"
        signing_input = encode_segment(h) + "." + encode_segment(p)
        return signing_input + "." + encode_segment(b64u(sign_rs256(google_key, signing_input)))

    case("b64_std_alphabet", b64_variant(to_std_alphabet))
    assert any(ch in cases[-1][1] for ch in "+/")
    case("b64_padded", b64_variant(pad))
    assert "=" in cases[-1][1]
    h, p = g_header, g_payload
    case("b64_illegal_char_resigned", resign(h + "." + p[:20] + "!" + p[20:], google_key))
    case("b64_illegal_char", g_header + "." + g_payload[:20] + "!" + g_payload[20:] + "." + g_sig)

    # Structure.
    case("two_segments", g_header + "." + g_payload)
    case("four_segments", genuine + "." + g_sig)
    case("empty", "")
    case("header_not_json", resign(seg("this is not json") + "." + g_payload, google_key))
    case("header_json_array", resign(seg([std_header]) + "." + g_payload, google_key))
    case("payload_not_json", resign(g_header + "." + seg("{not json"), google_key))
    case("leading_space_resigned", resign(" " + g_header + "." + g_payload, google_key))

    # Size: a 1 MB claim, otherwise genuine.
    case("oversized_1mb_pad_claim", enc(claims(pad="x" * (1024 * 1024))))

    # The oracle, both paths.
    session = requests.Session()
    session.trust_env = False  # never route loopback through a proxy from the environment
    request = google.auth.transport.requests.Request(session=session)
    started = time.time()
    out = []
    for name, token in cases:
        out.append(
            {
                "name": name,
                "token": token,
                "py_v1": oracle(token, v1_url, request),
                "py_v3": oracle(token, v3_url, request),
            }
        )
    finished = time.time()
    server.shutdown()

    json.dump(
        {
            "now": now,
            "audience": AUD,
            "email": EMAIL,
            "jwks": jwks,
            "versions": {
                "google-auth": google.auth.__version__,
                "PyJWT": jwt.__version__,
                "cryptography": cryptography.__version__,
            },
            "oracle_seconds": round(finished - now, 3),
            "oracle_started_after_mint_seconds": round(started - now, 3),
            "cases": out,
        },
        sys.stdout,
    )
    sys.stdout.write("\n")


class _Drop:
    """Marker: remove this claim."""


DROP = _Drop()

if __name__ == "__main__":
    main()
