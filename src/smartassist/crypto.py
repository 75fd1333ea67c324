"""Secrets at rest (Fernet under the server key), client secrets, and JWE key pairs."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from typing import Any

from cryptography.fernet import Fernet
from joserfc.jwk import RSAKey

CLIENT_SECRET_BYTES = 64  # 86 url-safe chars: long enough for HS512 (RFC 7518 §3.2)
JWE_KEY_BITS = 2048
OPENED_CACHE_SIZE = 4096  # apps' secrets (current and previous) and JWE keys one process keeps opened


class SecretBox:
    """Encrypts and decrypts small secrets with a key derived from SMARTASSIST_SECRET_KEY.

    Opened secrets are remembered by their ciphertext (a given ciphertext always opens to the same
    secret): every authenticated request opens its app's secret, and decrypting cost ~5% of an
    IntentRealtimeData request. A rotated secret has a new ciphertext, so nothing stale is ever served.
    """

    def __init__(self, server_key: str):
        digest = hashlib.sha256(b"smartassist-secret-box:" + server_key.encode()).digest()
        self._fernet = Fernet(base64.urlsafe_b64encode(digest))
        self._opened: dict[str, str] = {}

    def seal(self, plaintext: str) -> str:
        return self._fernet.encrypt(plaintext.encode()).decode()

    def open(self, token: str) -> str:
        plaintext = self._opened.get(token)
        if plaintext is None:
            plaintext = self._fernet.decrypt(token.encode()).decode()
            if len(self._opened) >= OPENED_CACHE_SIZE:  # bounded: start over rather than track recency
                self._opened.clear()
            self._opened[token] = plaintext
        return plaintext


def new_client_secret() -> str:
    return secrets.token_urlsafe(CLIENT_SECRET_BYTES)


def constant_time_equal(a: str, b: str) -> bool:
    """Compares digests, so neither a matching prefix nor the secret's length shows in the timing
    (compare_digest returns early when the lengths differ)."""
    return hmac.compare_digest(hashlib.sha256(a.encode()).digest(), hashlib.sha256(b.encode()).digest())


def new_jwe_keypair() -> tuple[str, dict[str, Any]]:
    """A fresh RSA key pair: (private key PEM, public JWK with kid/use/alg)."""
    key = RSAKey.generate_key(JWE_KEY_BITS, parameters={"use": "enc"}, private=True)
    public = key.as_dict(private=False)
    public["kid"] = key.thumbprint()
    public["alg"] = "RSA-OAEP-256"
    return key.as_pem(private=True).decode(), public
