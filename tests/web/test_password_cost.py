"""The product hashes passwords with argon2id at the library's default cost, and checks them.

tests/conftest.py gives the rest of the suite a cheap argon2id hasher (the cost of a hash is
not what those tests test); this module checks the product's own, as pulso.web.auth builds it
(support.PRODUCTION_HASHER), through hash_password and the sign-in check.
"""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher
from argon2.exceptions import VerificationError

import support
from pulso.web import auth


def test_the_product_hashes_with_argon2id_at_64_mib_3_passes_4_lanes(monkeypatch):
    hasher = support.PRODUCTION_HASHER
    assert isinstance(hasher, PasswordHasher)
    # argon2-cffi's RFC 9106 "low memory" profile, the library default: worked out from its docs
    assert (hasher.time_cost, hasher.memory_cost, hasher.parallelism) == (3, 65536, 4)
    monkeypatch.setattr(auth, "_hasher", hasher)
    hashed = auth.hash_password("clave-segura-1")
    assert hashed.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert hasher.verify(hashed, "clave-segura-1")
    with pytest.raises(VerificationError):
        hasher.verify(hashed, "clave-segura-2")


def test_the_suite_hasher_is_argon2id_too():
    """What the other tests store is the same kind of hash, only cheaper."""
    assert auth.hash_password("clave-segura-1").startswith("$argon2id$v=19$m=8,t=1,p=1$")
    assert auth._DUMMY_HASH.startswith("$argon2id$v=19$m=8,t=1,p=1$")
