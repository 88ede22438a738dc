"""The known exceptions to the automated WCAG 2.0/2.1 A and AA rules (axe-core rule id ->
(criterion, reason)): the one list the browser tests leave out and the
toegankelijkheidsverklaring names. Empty: every rule passes on every page and state."""

from __future__ import annotations

EXCEPTIONS: dict[str, tuple[str, str]] = {}
