"""The per-process memory of spent /login/external tokens: bounded, pruned by exp."""

from __future__ import annotations

from identity.spent_tokens import SpentTokens


def test_a_jti_is_spent_once():
    spent = SpentTokens()
    assert spent.spend("a", expires_at=100, now=0)
    assert not spent.spend("a", expires_at=100, now=50)
    assert spent.spend("b", expires_at=100, now=50)


def test_when_full_it_refuses_until_the_oldest_expire():
    spent = SpentTokens(limit=2)
    assert spent.spend("a", expires_at=10, now=0)
    assert spent.spend("b", expires_at=20, now=0)
    assert not spent.spend("c", expires_at=30, now=5)  # full, nothing expired: fail closed
    assert spent.spend("c", expires_at=30, now=11)  # "a" expired and was pruned
    assert not spent.spend("b", expires_at=20, now=11)  # still remembered
