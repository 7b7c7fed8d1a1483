"""The password policy of NIST SP 800-63B (5.1.1.2): long enough, not blank, not a common password.

No composition rules (a digit, a capital) and no expiry, as NIST advises; the password is kept as
typed (spaces inside and around count). `common-passwords.txt` beside this module lists the common
passwords of 10 characters or more, lowercased (shorter ones fail the length rule anyway). It is
the union of the entries of that length in:

- the `passwords` frequency list of zxcvbn 4.5.0 (PyPI `zxcvbn`, MIT licence, Copyright (c) 2016
  Daniel Wolf): the 30,000 most common passwords of Mark Burnett's ten-million-password set, as
  compiled by Dropbox's zxcvbn;
- `django/contrib/auth/common-passwords.txt.gz` of Django 5.2 (BSD licence): 20,000 common
  passwords compiled by Royce Williams (https://gist.github.com/roycewilliams/226886fd01572964e1431ac8afc999ce).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from pulso.errors import PulsoError

MIN_LENGTH = 10
LIST = Path(__file__).with_name("common-passwords.txt")


class PasswordPolicyError(PulsoError):
    """A password the policy refuses; the message says why."""


@cache
def common_passwords() -> frozenset[str]:
    """The common passwords, lowercased."""
    return frozenset(LIST.read_text(encoding="utf-8").split("\n")) - {""}


def check(password: str) -> None:
    """Refuse a password that is short, blank, a single repeated character or a common one."""
    if len(password) < MIN_LENGTH:
        raise PasswordPolicyError(f"the password is too short: it has {len(password)} characters; "
                                  f"use at least {MIN_LENGTH} characters (a few words make a good one)")
    if not password.strip():
        raise PasswordPolicyError("the password has only spaces; use at least "
                                  f"{MIN_LENGTH} characters that are not all spaces")
    if len(set(password)) == 1:
        raise PasswordPolicyError("the password is too common: it repeats one character; choose another")
    if password.lower() in common_passwords():
        raise PasswordPolicyError("the password is too common: it is on a list of often-used and leaked "
                                  "passwords; choose another (a few words make a good one)")
