"""Tokens this worker found genuine, remembered while the credentials they were checked against are current.

A client sends the same token on every request until it expires; parsing it strictly and checking its HMAC
again was a fifth of an authenticated request's CPU (py-spy, wrk on IntentRealtimeData). An entry holds the
token's parsed parts and its tokens.Genuine (the credentials snapshot it was verified with, its claims). It is
used only while credentials.CredentialStore still answers with that same snapshot (`is`): a re-read (at most
every second), a change made by this worker (invalidate) or a deletion makes it a miss, and the token is
verified again, from scratch, against what the store holds then. So the one-second rule of the credentials
cache holds unchanged. Time claims, the jti and the previous secret's grace are checked on every use
(tokens.check_claims). Only tokens that passed tokens.verify_signature() are kept (made-up tokens cost what they did),
in a bounded table, by the token string: a lookup finds only the exact token, so it tells a caller nothing
about a token it does not already hold.
"""

from __future__ import annotations

from smartassist.auth.tokens import Genuine, Presented

MAX_ENTRIES = 4096


class GenuineTokens:
    def __init__(self, max_entries: int = MAX_ENTRIES) -> None:
        self._max_entries = max_entries
        self._entries: dict[str, tuple[Presented, Genuine]] = {}

    def get(self, token: str) -> tuple[Presented, Genuine] | None:
        return self._entries.get(token)

    def remember(self, token: str, presented: Presented, genuine: Genuine) -> None:
        if len(self._entries) >= self._max_entries:
            self._entries.clear()
        self._entries[token] = (presented, genuine)
