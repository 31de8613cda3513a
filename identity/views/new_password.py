"""The checks on a new password typed twice, shared by password reset and invitations."""

from __future__ import annotations

from identity.password_policy import password_problem

MISMATCH = "Password confirmation doesn't match password."


def new_password_problem(password: str, confirmation: str) -> str | None:
    """Why the form's new password can't be used, or None.

    Answers before any call to the API, with the project's one password
    policy; the API checks again, knowing the account's email.
    """
    if password != confirmation:
        return MISMATCH
    return password_problem(password)
