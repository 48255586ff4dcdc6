"""Who may reach a recording while the origin server retains it (CC-REC-5).

While a recording waits on the origin for the CRM, it is served only to a user whose bearer
token passed MFA (a code from the authenticator app enrolled with ``POST /me/mfa``, checked
with ``POST /me/mfa/verify``) and who presents an authenticated CRM key (``X-CRM-Key``, issued
to the account's CRM with ``POST /crm/keys``). Anything less is refused saying what is
missing: the account's API key and other ordinary tokens, a user's token without MFA, a key
that is not the account's. The carrier has no principal in the reference at all (it meets the
reference only over SIP), so no credential of it can open the recording.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from pathlib import Path

from .domain import mfa
from .domain.crm_recordings import UploadState
from .domain.errors import DomainError, NotFound
from .service import ContactCenter
from .store_crm_recordings import CrmRecordingTables

CRM_KEY_HEADER = "X-CRM-Key"


class AccessRefused(DomainError):
    """A retained recording asked for without what CC-REC-5 requires; the message says what."""

    code = "forbidden"


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class RecordingAccess:
    """MFA enrolment and checks, CRM keys, and the guard of retained recordings."""

    def __init__(self, center: ContactCenter) -> None:
        self.center = center
        self.tables = CrmRecordingTables(center.store)

    # --- MFA ------------------------------------------------------------------------------

    def enrol(self, account_id: str, user_id: str) -> str:
        """Enrol the user in MFA; the secret for the authenticator app (base32)."""
        secret = mfa.new_secret()
        self.tables.set_mfa_secret(account_id, user_id, secret)
        return mfa.to_base32(secret)

    def verify(self, account_id: str, user_id: str, token: str, code: object) -> None:
        """The token passes MFA with the authenticator's ``code``, or :class:`AccessRefused`."""
        secret = self.tables.mfa_secret(account_id, user_id)
        if secret is None:
            raise AccessRefused("MFA is not enrolled for this user (POST /me/mfa first)")
        if not mfa.verify(secret, code, time.time()):
            raise AccessRefused("the MFA code was rejected")
        now = self.center.clock.now(account_id)
        self.tables.mark_mfa_token(account_id, user_id, _digest(token), now)

    # --- CRM keys -------------------------------------------------------------------------

    def issue_crm_key(self, account_id: str) -> tuple[str, str]:
        """A new key for the account's CRM: (id, key); only its SHA-256 is kept."""
        key_id = f"crmkey_{secrets.token_hex(6)}"
        key = secrets.token_urlsafe(32)
        self.tables.add_crm_key(key_id, account_id, _digest(key), self.center.clock.now(account_id))
        return key_id, key

    # --- the guard --------------------------------------------------------------------------

    def retained(self, account_id: str, recording_id: str) -> bool:
        """Whether the recording waits on the origin for the CRM."""
        upload = self.tables.get(account_id, recording_id)
        return upload is not None and upload.state is UploadState.PENDING

    def retained_file(
        self,
        account_id: str,
        recording_id: str,
        *,
        user_id: str | None,
        token: str,
        crm_key: str | None,
    ) -> Path:
        """The retained recording's file for a caller that meets CC-REC-5, else
        :class:`AccessRefused` naming what is missing (NotFound when not retained)."""
        if not self.retained(account_id, recording_id):
            raise NotFound("retained recording", recording_id)
        missing = []
        if user_id is None or not self.tables.token_passed_mfa(account_id, user_id, _digest(token)):
            missing.append("MFA authentication (a user's token verified with POST /me/mfa/verify)")
        if not crm_key or not self.tables.crm_key_known(account_id, _digest(crm_key)):
            missing.append(f"an authenticated CRM key ({CRM_KEY_HEADER})")
        if missing:
            raise AccessRefused(
                "a recording retained for the CRM is reachable only with " + " and ".join(missing)
            )
        recording = self.center.store.recording(account_id, recording_id)
        if recording is None:
            raise NotFound("retained recording", recording_id)
        return self.center.tickets.recordings_dir / recording.file
