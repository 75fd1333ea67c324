"""SecretBox: sealed secrets open to what was sealed, a foreign or altered ciphertext never opens, and
remembering opened secrets changes none of that."""

from __future__ import annotations

import pytest
from cryptography.fernet import InvalidToken

from smartassist import crypto
from smartassist.crypto import SecretBox


def test_sealed_secrets_open_to_themselves_again_and_again() -> None:
    box = SecretBox("server-key-1")
    first, second = box.seal("secret one"), box.seal("secret two")
    assert [box.open(first), box.open(second), box.open(first)] == ["secret one", "secret two", "secret one"]


def test_another_server_key_or_an_altered_ciphertext_does_not_open() -> None:
    box = SecretBox("server-key-1")
    sealed = box.seal("secret")
    assert box.open(sealed) == "secret"  # remembered now; the checks below must still fail
    with pytest.raises(InvalidToken):
        SecretBox("server-key-2").open(sealed)
    altered = sealed[:-8] + ("A" if sealed[-8] != "A" else "B") + sealed[-7:]
    with pytest.raises(InvalidToken):
        box.open(altered)


def test_the_remembered_secrets_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(crypto, "OPENED_CACHE_SIZE", 3)
    box = SecretBox("server-key-1")
    sealed = [box.seal(f"secret {n}") for n in range(10)]
    assert [box.open(token) for token in sealed] == [f"secret {n}" for n in range(10)]
    assert len(box._opened) <= 3
