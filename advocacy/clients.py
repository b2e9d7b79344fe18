"""Who is asking: the client's address, read the same way by every per-client limit.

The report and receipt limits (cases/ratelimit.py) and the staff login lockout (axes) all call
`client_address`, so one client is one client to all of them.
"""

import ipaddress

from django.conf import settings


def client_address(request) -> str | None:
    """The client's address from the header our proxy sets (CLIENT_IP_HEADER).

    A list header (X-Forwarded-For) is read from its last entry: the one our proxy appended, the
    address it saw itself; the entries before it are whatever the client chose to send. Anything
    that is not an address falls back to the connection's, so a forged or broken header neither
    breaks a limit nor gives a client a fresh one.
    """
    raw = request.META.get(settings.CLIENT_IP_HEADER, "").rsplit(",", 1)[-1].strip()
    try:
        return str(ipaddress.ip_address(raw))
    except ValueError:
        return request.META.get("REMOTE_ADDR") or None
