"""Routes of recordings kept in the CRM (CC-REC): the account's choice, and where each
recording of a ticket is on its way to the CRM.

* ``GET``/``PUT /crm/recording-storage {enabled, part_bytes?}``: administrators choose to keep
  recordings in the CRM configured with ``PUT /crm/settings``, and the part size (50 MB
  unless smaller; CC-REC-6);
* ``GET /tickets/{ticket_id}/crm-uploads``: each recording's state (``pending``, ``uploaded``,
  ``expired``), its tries, when the next one is due and why it is still on the origin;
* CC-REC-5: ``POST /me/mfa`` (a user enrols: the authenticator's secret), ``POST
  /me/mfa/verify {code}`` (the token passes MFA), ``POST /crm/keys`` (a key for the CRM), and
  ``GET /crm/recordings/{recording_id}``: a retained recording, for an MFA-verified user token
  with ``X-CRM-Key``. ``GET /recordings/{id}`` refuses a retained recording to everyone.
"""

from __future__ import annotations

from aiohttp import web

from ..clock import iso_utc
from ..crm_recordings import STORAGE, CrmRecordingStorage
from ..domain.crm_recordings import Upload, part_sizes
from ..domain.permissions import Permission
from ..recording_access import CRM_KEY_HEADER, AccessRefused, RecordingAccess
from . import body
from .context import account_id, center, principal, requires
from .errors import ApiError, bad_field


def storage(request: web.Request) -> CrmRecordingStorage:
    """The CRM recording storage of the request's contact center."""
    return request.app[STORAGE]


@requires(Permission.ADMINISTER)
async def get_storage(request: web.Request) -> web.Response:
    """GET /crm/recording-storage -> {enabled, since?, part_bytes}."""
    return web.json_response(storage(request).settings_shape(account_id(request)))


@requires(Permission.ADMINISTER)
async def put_storage(request: web.Request) -> web.Response:
    """PUT /crm/recording-storage {enabled, part_bytes?} -> the choice."""
    data = await body.json_object(request, allowed=("enabled", "part_bytes"))
    enabled = body.optional_bool(data, "enabled")
    if enabled is None:
        raise bad_field("enabled", "is required (true or false)")
    acc = account_id(request)
    storage(request).configure(acc, enabled=enabled, part_bytes=data.get("part_bytes"))
    return web.json_response(storage(request).settings_shape(acc))


@requires(Permission.TICKETS_READ)
async def list_uploads(request: web.Request) -> web.Response:
    """GET /tickets/{ticket_id}/crm-uploads -> {uploads: [...]}."""
    found = storage(request).uploads(account_id(request), request.match_info["ticket_id"])
    return web.json_response({"uploads": [upload_shape(u) for u in found]})


def upload_shape(upload: Upload) -> dict[str, object]:
    """A recording's way to the CRM as the API shows it."""
    return {
        "recording_id": upload.recording_id,
        "call_id": upload.call_id,
        "state": upload.state.value,
        "size": upload.size,
        "sha256": upload.sha256,
        "parts": part_sizes(upload.size, upload.part_bytes),
        "parts_sent": list(upload.parts_sent),
        "crm_ticket_id": upload.crm_ticket_id or None,
        "failures": upload.failures,
        "next_try_at": None if upload.next_try_at is None else iso_utc(upload.next_try_at),
        "last_try_at": None if upload.last_try_at is None else iso_utc(upload.last_try_at),
        "created_at": iso_utc(upload.created_at),
        "note": upload.note,
    }


# --- CC-REC-5: MFA, CRM keys, retained recordings ------------------------------------------


def _access(request: web.Request) -> RecordingAccess:
    return RecordingAccess(center(request))


def _bearer(request: web.Request) -> str:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def _user_id(request: web.Request) -> str:
    user_id = principal(request).user_id
    if user_id is None:
        raise ApiError(403, "forbidden", "only a user of the account has MFA")
    return user_id


def refuse_retained(request: web.Request, recording_id: str) -> None:
    """403 when the recording is retained for the CRM: the ordinary link does not serve it."""
    if _access(request).retained(account_id(request), recording_id):
        raise ApiError(
            403,
            "forbidden",
            "this recording is retained for the CRM: it is reachable only with MFA and an"
            f" authenticated CRM key (GET /crm/recordings/{recording_id})",
        )


@requires(Permission.SELF)
async def enrol_mfa(request: web.Request) -> web.Response:
    """POST /me/mfa -> 201 {secret}: the user's authenticator secret (base32, RFC 6238)."""
    user_id = _user_id(request)  # first: the operator has no account
    secret = _access(request).enrol(account_id(request), user_id)
    return web.json_response({"secret": secret, "digits": 6, "period_s": 30}, status=201)


@requires(Permission.SELF)
async def verify_mfa(request: web.Request) -> web.Response:
    """POST /me/mfa/verify {code} -> {verified: true}: this token passed MFA; 403 otherwise."""
    data = await body.json_object(request, allowed=("code",))
    user_id = _user_id(request)
    try:
        _access(request).verify(account_id(request), user_id, _bearer(request), data.get("code"))
    except AccessRefused as refused:
        raise ApiError(403, "forbidden", refused.message) from None
    return web.json_response({"verified": True})


@requires(Permission.ADMINISTER)
async def issue_crm_key(request: web.Request) -> web.Response:
    """POST /crm/keys -> 201 {id, key}: a key for the account's CRM (shown once)."""
    key_id, key = _access(request).issue_crm_key(account_id(request))
    return web.json_response({"id": key_id, "key": key}, status=201)


@requires(Permission.RECORDINGS_PLAY)
async def retained_recording(request: web.Request) -> web.StreamResponse:
    """GET /crm/recordings/{recording_id} -> audio/wav of a retained recording, for an
    MFA-verified user token with an authenticated ``X-CRM-Key``; 403 naming what is missing."""
    try:
        path = _access(request).retained_file(
            account_id(request),
            request.match_info["recording_id"],
            user_id=principal(request).user_id,
            token=_bearer(request),
            crm_key=request.headers.get(CRM_KEY_HEADER),
        )
    except AccessRefused as refused:
        raise ApiError(403, "forbidden", refused.message) from None
    return web.FileResponse(path, headers={"Content-Type": "audio/wav"})


def add_routes(router: web.UrlDispatcher) -> None:
    """Register this module's routes."""
    router.add_get("/crm/recording-storage", get_storage)
    router.add_put("/crm/recording-storage", put_storage)
    router.add_get("/tickets/{ticket_id}/crm-uploads", list_uploads)
    router.add_post("/me/mfa", enrol_mfa)
    router.add_post("/me/mfa/verify", verify_mfa)
    router.add_post("/crm/keys", issue_crm_key)
    router.add_get("/crm/recordings/{recording_id}", retained_recording)
