"""Job and scheduler configuration as pydantic models, read from YAML or built in Python.

Bad input fails here, at the edge, with the file, line and key path::

    jobs.yml:12: jobs.0.schedule.cron: not a valid cron expression: '61 * * * *'

A job is a papermill ``notebook`` report, a data ``refresh`` or an ``alert``. All share a cron
schedule with a time zone, an ``owner`` (whose current rights the job runs with), a timeout,
retries with exponential backoff and delivery targets. Papermill parameters are JSON values
only (never code); names starting with ``bheem_`` are reserved for what the runner injects.
"""

from __future__ import annotations

import difflib
import re
import zoneinfo
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from croniter import croniter
from pydantic import BaseModel, ConfigDict, Field, JsonValue, ValidationError, field_validator, model_validator

from bheem_nb.errors import BheemError
from bheem_nb.model.loader import LineIndex, format_validation_error

RESERVED_PREFIX = "bheem_"
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,99}$")
AlertOp = Literal[">", ">=", "<", "<=", "=", "!=", "change_by", "change_by_pct"]


class SchedulerError(BheemError):
    """A job or scheduler configuration is invalid, or a job cannot run as configured."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SecretRef(_Strict):
    """Where a secret comes from: an environment variable or a named secret of the encrypted store."""

    env: str | None = None
    store: str | None = None

    @model_validator(mode="after")
    def _one(self) -> SecretRef:
        if (self.env is None) == (self.store is None):
            raise ValueError("give exactly one of `env` (a variable name) or `store` (a stored secret's name)")
        return self

    def describe(self) -> str:
        return f"env:{self.env}" if self.env else f"store:{self.store}"


class Schedule(_Strict):
    """``cron`` in five fields (or six, the last being seconds) read in ``timezone``."""

    cron: str
    timezone: str = "UTC"

    @field_validator("cron")
    @classmethod
    def _cron(cls, value: str) -> str:
        if not croniter.is_valid(value):
            raise ValueError(f"not a valid cron expression: {value!r} (e.g. '0 7 * * 1-5')")
        return value

    @field_validator("timezone")
    @classmethod
    def _tz(cls, value: str) -> str:
        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r} (an IANA name such as 'Europe/Berlin')") from None
        return value


class EmailTarget(_Strict):
    to: list[str] = Field(min_length=1)
    cc: list[str] = []
    subject: str | None = None
    #: the HTML report attached as a file instead of inline in the body
    attach: bool = False

    @field_validator("to", "cc")
    @classmethod
    def _addresses(cls, value: list[str]) -> list[str]:
        for a in value:
            if "@" not in a or any(c in a for c in "\r\n,;<> "):
                raise ValueError(f"not a single email address: {a!r}")
        return value


class WebhookTarget(_Strict):
    url: str
    #: HMAC-SHA256 key; the signature goes in ``header`` as ``sha256=<hex>``
    secret: SecretRef | None = None
    header: str = "X-Bheem-Signature"

    @field_validator("url")
    @classmethod
    def _url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError(f"a webhook URL must start with http:// or https://, got {value[:40]!r}")
        return value


class Target(_Strict):
    """One delivery: ``{email: {...}}`` or ``{webhook: {...}}``."""

    email: EmailTarget | None = None
    webhook: WebhookTarget | None = None

    @model_validator(mode="after")
    def _one(self) -> Target:
        if (self.email is None) == (self.webhook is None):
            raise ValueError("a target is exactly one of `email` or `webhook`")
        return self


class SmtpConfig(_Strict):
    host: str = "127.0.0.1"
    port: int = 25
    tls: Literal["none", "starttls", "ssl"] = "none"
    username: str | None = None
    password: SecretRef | None = None
    sender: str = "bheem@localhost"
    timeout: float = 30.0
    #: a CA bundle (PEM) to verify the server's certificate with, e.g. an internal CA
    cafile: str | None = None
    #: accept any server certificate (never in production)
    insecure: bool = False


class WebhookPolicy(_Strict):
    """SSRF guard: only these hosts (when listed), and only public addresses unless a network is allowed."""

    allow_hosts: list[str] = []
    allow_networks: list[str] = []
    timeout: float = 10.0


class Condition(_Strict):
    op: AlertOp
    value: float


class _JobBase(_Strict):
    name: str
    schedule: Schedule | None = None
    owner: str
    model: str
    #: a metadata-store workspace whose `view` right on the model the owner must still hold
    workspace: str | None = None
    timeout: float = Field(600.0, gt=0)
    retries: int = Field(0, ge=0, le=20)
    #: seconds before retry n is ``backoff * 2 ** (n - 1)``
    backoff: float = Field(60.0, ge=0)
    deliver: list[Target] = []
    #: where failure notices go; default: the owner's email (when SMTP is configured)
    notify_failure: list[Target] | None = None
    enabled: bool = True

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if not _NAME.match(value):
            raise ValueError(f"job names are letters, digits, '_', '.', '-' (got {value!r})")
        return value


class NotebookJob(_JobBase):
    kind: Literal["notebook"] = "notebook"
    notebook: str
    parameters: dict[str, JsonValue] = {}
    formats: list[Literal["html", "pdf"]] = ["html"]

    @field_validator("parameters")
    @classmethod
    def _params(cls, value: dict[str, Any]) -> dict[str, Any]:
        for key in value:
            if not key.isidentifier():
                raise ValueError(f"parameter {key!r} is not a Python identifier")
            if key.startswith(RESERVED_PREFIX):
                raise ValueError(f"parameter {key!r}: names starting with {RESERVED_PREFIX!r} are set by the runner")
        return value


class RefreshTarget(_Strict):
    database: str
    table: str

    @field_validator("table")
    @classmethod
    def _table(cls, value: str) -> str:
        if not re.match(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$", value):
            raise ValueError(f"a target table is a plain identifier, got {value!r}")
        return value


class RefreshJob(_JobBase):
    kind: Literal["refresh"] = "refresh"
    query: dict[str, JsonValue] | None = None
    sql: str | None = None
    target: RefreshTarget
    mode: Literal["full", "incremental"] = "full"
    watermark: str | None = None

    @model_validator(mode="after")
    def _source(self) -> RefreshJob:
        if (self.query is None) == (self.sql is None):
            raise ValueError("a refresh reads exactly one of `query` (a semantic query) or `sql` (guarded SQL)")
        if self.mode == "incremental" and not self.watermark:
            raise ValueError("mode incremental needs `watermark`: the column whose maximum marks what is loaded")
        return self


class AlertJob(_JobBase):
    kind: Literal["alert"] = "alert"
    query: dict[str, JsonValue]
    condition: Condition
    cooldown: float = Field(3600.0, ge=0)
    recovery: bool = True

    @field_validator("query")
    @classmethod
    def _one_measure(cls, value: dict[str, Any]) -> dict[str, Any]:
        measures = value.get("measures")
        if not isinstance(measures, list) or len(measures) != 1 or value.get("dimensions"):
            raise ValueError("an alert query has exactly one measure and no dimensions (one value to check)")
        return value


Job = Annotated[NotebookJob | RefreshJob | AlertJob, Field(discriminator="kind")]
KINDS = ("notebook", "refresh", "alert")


class SchedulerConfig(_Strict):
    """A scheduler file: the store, where outputs go, SMTP, the webhook policy and the jobs."""

    db: str | None = None
    outputs: str = "bheem_runs"
    smtp: SmtpConfig | None = None
    webhooks: WebhookPolicy = WebhookPolicy()
    #: seconds a claimed run stays owned without a heartbeat before another worker takes it over
    lease: float = Field(30.0, gt=0)
    #: at most this many missed slots per job are run after downtime; older ones are recorded as skipped
    max_catchup: int = Field(10, ge=1)
    jobs: list[Job] = []

    @model_validator(mode="after")
    def _unique(self) -> SchedulerConfig:
        seen: set[str] = set()
        for job in self.jobs:
            if job.name in seen:
                raise ValueError(f"two jobs are named {job.name!r}")
            seen.add(job.name)
        return self


def parse_job(data: dict[str, Any], source: str = "<job>") -> NotebookJob | RefreshJob | AlertJob:
    """One job from a dict (Python, CLI or the store), with readable errors."""
    from pydantic import TypeAdapter

    try:
        job: NotebookJob | RefreshJob | AlertJob = TypeAdapter(Job).validate_python(data)
    except ValidationError as exc:
        raise SchedulerError(_format(exc, LineIndex(None, source), "invalid job")) from exc
    return job


def load_config(path: str | Path) -> SchedulerConfig:
    """Read a scheduler YAML; relative paths in it are resolved against the file's folder."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise SchedulerError(f"cannot read the scheduler file {p}: {exc.strerror or exc}") from exc
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{p}:{mark.line + 1}" if mark is not None else str(p)
        raise SchedulerError(f"{where}: malformed YAML: {getattr(exc, 'problem', None) or exc}") from exc
    if not isinstance(data, dict):
        raise SchedulerError(f"{p}: a scheduler file is a mapping with `jobs:` (and optionally db, smtp, webhooks)")
    try:
        config = SchedulerConfig.model_validate(data)
    except ValidationError as exc:
        raise SchedulerError(_format(exc, LineIndex(root, str(p)), "invalid scheduler file")) from exc
    return resolve_paths(config, p.resolve().parent)


def resolve_paths(config: SchedulerConfig, base: Path) -> SchedulerConfig:
    """Make notebook, model, target database and output paths absolute (relative to ``base``)."""

    def absolute(value: str) -> str:
        if "://" in value:
            return value
        q = Path(value).expanduser()
        return str(q if q.is_absolute() else (base / q).resolve())

    jobs: list[NotebookJob | RefreshJob | AlertJob] = []
    for job in config.jobs:
        update: dict[str, Any] = {"model": absolute(job.model)}
        if isinstance(job, NotebookJob):
            update["notebook"] = absolute(job.notebook)
        if isinstance(job, RefreshJob):
            update["target"] = job.target.model_copy(update={"database": absolute(job.target.database)})
        jobs.append(job.model_copy(update=update))
    return config.model_copy(update={"jobs": jobs, "outputs": absolute(config.outputs)})


def _format(exc: ValidationError, index: LineIndex, head: str) -> str:
    """Pydantic's errors with the discriminator tag (``notebook``...) dropped from each key path."""
    cleaned = []
    for err in exc.errors():
        loc = list(err["loc"])
        for i in range(len(loc) - 1):
            if isinstance(loc[i], int) and loc[i + 1] in KINDS:
                del loc[i + 1]
                break
        if loc and loc[0] in KINDS:
            loc = loc[1:]
        if err["type"] == "union_tag_invalid":
            tag = str(err.get("ctx", {}).get("tag", ""))
            close = difflib.get_close_matches(tag, KINDS, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            err = {**err, "msg": f"unknown job kind {tag!r}; kinds are {', '.join(KINDS)}{hint}"}
        cleaned.append({**err, "loc": tuple(loc)})
    text = format_validation_error(_Errors(exc, cleaned), index)  # type: ignore[arg-type]
    return text.replace("invalid semantic model", head, 1)


class _Errors:
    """A stand-in exposing ``errors()`` so the model loader's formatter can be reused."""

    def __init__(self, exc: ValidationError, errors: list[Any]) -> None:
        self._errors = errors

    def errors(self) -> list[Any]:
        return self._errors
