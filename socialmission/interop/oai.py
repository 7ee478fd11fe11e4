"""The OAI-PMH 2.0 data provider: requests in, XML responses out.

Owns the protocol: argument checking for the six verbs, every error condition of the
specification, sets, the ``oai_dc`` crosswalk and resumption tokens. ``views.oai`` only hands
it the request arguments.

Decisions:

- Items are published resources. A resource that was published once and is no longer
  (withdrawn, or back in draft) is kept as a *deleted record* (header only), so harvesters drop
  their copy; one never published is unknown. A resource deleted outright from the database
  leaves no trace, so Identify declares ``deletedRecord`` "transient".
- Identifiers are ``oai:<repository-identifier>:resource/<id>``; the repository identifier is
  ``settings.OAI_REPOSITORY_IDENTIFIER`` or else the host name of ``settings.SITE_URL``, so they
  do not change with the host name a harvester happened to use.
- Datestamps are ``Resource.updated_at`` cut to the second, in UTC (granularity
  YYYY-MM-DDThh:mm:ssZ; day granularity is accepted in ``from``/``until`` as the spec requires).
- Sets are the vocabularies: ``domain``, ``topic``, ``profession``, ``type``, each with one child
  set per term (``domain:<slug>`` …). Asking for a parent set selects items with any term of it.
- Lists are ordered by id and cut into pages of ``PAGE_SIZE``. Resumption tokens are stateless:
  the original arguments and the last id returned, signed with ``django.core.signing`` and
  valid for ``TOKEN_MAX_AGE`` seconds. A record changed during a harvest keeps its place, so
  nothing is skipped; a harvester catches later changes with ``from`` on its next run.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from urllib.parse import urlparse

from django.conf import settings
from django.core import signing
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from lxml import etree

from socialmission.bibliography.names import format_name
from socialmission.bibliography.record import Record
from socialmission.interop.records import resource_to_record
from socialmission.library import models as m
from socialmission.library.facets import FACETS, Facet

OAI_NS = "http://www.openarchives.org/OAI/2.0/"
OAI_SCHEMA = "http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd"
OAI_DC_NS = "http://www.openarchives.org/OAI/2.0/oai_dc/"
OAI_DC_SCHEMA = "http://www.openarchives.org/OAI/2.0/oai_dc.xsd"
OAI_IDENTIFIER_NS = "http://www.openarchives.org/OAI/2.0/oai-identifier"
OAI_IDENTIFIER_SCHEMA = "http://www.openarchives.org/OAI/2.0/oai-identifier.xsd"
DC_NS = "http://purl.org/dc/elements/1.1/"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"

PAGE_SIZE = 100
TOKEN_MAX_AGE = 24 * 60 * 60
TOKEN_SALT = "socialmission.interop.oai.resumption"  # noqa: S105 (a namespace, not a secret)
DELETED_RECORD = "transient"
GRANULARITY = "YYYY-MM-DDThh:mm:ssZ"
# The earliest datestamp of an empty repository: any lower bound of all datestamps will do.
EMPTY_EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)

VERBS = (
    "Identify",
    "ListMetadataFormats",
    "ListSets",
    "GetRecord",
    "ListIdentifiers",
    "ListRecords",
)

# verb -> (required arguments, optional arguments, exclusive argument)
_ARGUMENTS: dict[str, tuple[frozenset[str], frozenset[str], str | None]] = {
    "Identify": (frozenset(), frozenset(), None),
    "ListMetadataFormats": (frozenset(), frozenset({"identifier"}), None),
    "ListSets": (frozenset(), frozenset(), "resumptionToken"),
    "GetRecord": (frozenset({"identifier", "metadataPrefix"}), frozenset(), None),
    "ListIdentifiers": (
        frozenset({"metadataPrefix"}),
        frozenset({"from", "until", "set"}),
        "resumptionToken",
    ),
    "ListRecords": (
        frozenset({"metadataPrefix"}),
        frozenset({"from", "until", "set"}),
        "resumptionToken",
    ),
}


@dataclass(frozen=True)
class MetadataFormat:
    prefix: str
    schema: str
    namespace: str


METADATA_FORMATS = (MetadataFormat("oai_dc", OAI_DC_SCHEMA, OAI_DC_NS),)
METADATA_FORMATS_BY_PREFIX = {f.prefix: f for f in METADATA_FORMATS}


def set_families() -> list[Facet]:
    """The facets exposed as set families (a parent set whose children are its terms):
    the many-valued ones first, then the single-valued, each group in facet order."""
    return sorted((f for f in FACETS if f.oai_set), key=lambda f: not f.multiple)


class OAIError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Response:
    """What the view sends: the XML document and its HTTP status (always 200 per the spec)."""

    content: bytes
    content_type: str = "text/xml; charset=utf-8"


# -- small helpers ---------------------------------------------------------------------------

_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_SET_SPEC_RE = re.compile(r"[A-Za-z0-9\-_.!~*'()]+(:[A-Za-z0-9\-_.!~*'()]+)*")
_PREFIX_RE = re.compile(r"[A-Za-z0-9\-_.!~*'()]+")
_URI_RE = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>\"{}|\\^`]*")
_DOMAIN_RE = re.compile(r"[a-zA-Z][a-zA-Z0-9\-]*(\.[a-zA-Z][a-zA-Z0-9\-]*)+")
_DAY_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
_SECOND_RE = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")
_EMAIL_RE = re.compile(r"\S+@(\S+\.)+\S+")


def _text(value: object) -> str:
    """Text safe for XML 1.0: characters XML cannot carry (control codes) are dropped."""
    return _XML_ILLEGAL.sub("", str(value))


def format_datestamp(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def repository_identifier() -> str:
    configured = getattr(settings, "OAI_REPOSITORY_IDENTIFIER", "")
    if configured:
        return str(configured)
    return urlparse(settings.SITE_URL).hostname or "localhost"


def oai_identifier(resource_id: int) -> str:
    return f"oai:{repository_identifier()}:resource/{resource_id}"


def resource_id_from_identifier(identifier: str) -> int | None:
    prefix = f"oai:{repository_identifier()}:resource/"
    if not identifier.startswith(prefix):
        return None
    number = identifier[len(prefix) :]
    if not number.isascii() or not number.isdigit() or len(number) > 18:
        return None
    return int(number)


def admin_emails() -> list[str]:
    """Who answers for the repository: OAI_ADMIN_EMAILS, else ADMINS, else DEFAULT_FROM_EMAIL."""
    candidates: list[str] = list(getattr(settings, "OAI_ADMIN_EMAILS", []) or [])
    if not candidates:
        candidates = [email for _name, email in getattr(settings, "ADMINS", [])]
    if not candidates:
        candidates = [settings.DEFAULT_FROM_EMAIL]
    emails = []
    for candidate in candidates:
        address = candidate.rsplit("<", 1)[-1].rstrip(">").strip()
        # A development default such as library@localhost has no dot in its domain, which
        # the schema refuses; localhost.localdomain is the conventional full name of that host.
        if "@" in address and not _EMAIL_RE.fullmatch(address):
            address = f"{address}.localdomain"
        if _EMAIL_RE.fullmatch(address):
            emails.append(address)
    return emails or ["library@localhost.localdomain"]


def _parse_datestamp(value: str, argument: str) -> tuple[datetime, str]:
    """A ``from``/``until`` value as an aware UTC datetime and its granularity."""
    try:
        if _DAY_RE.fullmatch(value):
            return datetime.combine(date.fromisoformat(value), time(), tzinfo=UTC), "day"
        if _SECOND_RE.fullmatch(value):
            parsed = datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
            return parsed, "second"
    except ValueError:
        pass
    raise OAIError(
        "badArgument",
        _(
            "The %(argument)s argument must be a date (YYYY-MM-DD) or a UTC time "
            "(YYYY-MM-DDThh:mm:ssZ)."
        )
        % {"argument": argument},
    )


# -- items, sets and the records query -------------------------------------------------------


def items() -> QuerySet[m.Resource]:
    """Every resource the repository exposes: published ones, and as deleted records those
    published once (``published_at`` is set on publication and kept afterwards)."""
    return m.Resource.objects.filter(
        Q(status=m.Resource.Status.PUBLISHED) | Q(published_at__isnull=False)
    )


def set_specs(resource: m.Resource) -> list[str]:
    """The sets of a resource: its single-valued terms first, then each many-valued facet's."""
    specs: list[str] = []
    for family in sorted(set_families(), key=lambda f: f.multiple):
        value = getattr(resource, family.field)
        terms = value.all() if family.multiple else [value] if value is not None else []
        specs.extend(
            f"{family.key}:{term.slug}"
            for term in sorted(terms, key=lambda t: (t.position, t.slug))
        )
    return specs


@dataclass(frozen=True)
class OAISet:
    spec: str
    name: str
    description: str = ""


def all_sets() -> list[OAISet]:
    """Every set, each parent before its children; no parent without children."""
    sets: list[OAISet] = []
    for family in set_families():
        terms = list(family.vocabulary.objects.order_by("position", "name"))
        if not terms:
            continue
        sets.append(OAISet(family.key, str(family.plural)))
        sets.extend(
            OAISet(f"{family.key}:{term.slug}", term.name, term.description) for term in terms
        )
    return sets


def _filter_by_set(queryset: QuerySet[m.Resource], spec: str) -> QuerySet[m.Resource]:
    family_spec, _sep, slug = spec.partition(":")
    family = FACETS.get(family_spec)
    if family is None or not family.oai_set or ":" in slug:
        return queryset.none()
    if not slug:
        condition = Q(**{f"{family.field}__isnull": False})
    else:
        condition = Q(**{f"{family.field}__slug": slug})
    # A subquery rather than a join, so a resource with two matching terms is listed once.
    return queryset.filter(pk__in=m.Resource.objects.filter(condition).values("pk"))


@dataclass(frozen=True)
class ListArguments:
    verb: str
    metadata_prefix: str
    from_: str = ""
    until: str = ""
    set_spec: str = ""

    def queryset(self) -> QuerySet[m.Resource]:
        queryset = items()
        if self.from_:
            start, _granularity = _parse_datestamp(self.from_, "from")
            queryset = queryset.filter(updated_at__gte=start)
        if self.until:
            end, granularity = _parse_datestamp(self.until, "until")
            # Datestamps are cut to the second (or the day), so "until" covers all of it.
            try:
                end += timedelta(days=1) if granularity == "day" else timedelta(seconds=1)
            except OverflowError:
                end = datetime.max.replace(tzinfo=UTC)  # "until" the end of time
                queryset = queryset.filter(updated_at__lte=end)
            else:
                queryset = queryset.filter(updated_at__lt=end)
        if self.set_spec:
            queryset = _filter_by_set(queryset, self.set_spec)
        return queryset.order_by("pk")


# -- resumption tokens -----------------------------------------------------------------------


def make_token(arguments: ListArguments, *, after: int, cursor: int) -> str:
    payload = {
        "v": arguments.verb,
        "p": arguments.metadata_prefix,
        "f": arguments.from_,
        "u": arguments.until,
        "s": arguments.set_spec,
        "a": after,
        "c": cursor,
    }
    return signing.dumps(payload, salt=TOKEN_SALT, compress=True)


def read_token(token: str, verb: str) -> tuple[ListArguments, int, int]:
    """The list a token continues, the last id already sent and the cursor; or badResumptionToken."""
    try:
        payload = signing.loads(token, salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE)
    except signing.SignatureExpired as exc:
        raise OAIError("badResumptionToken", _("The resumptionToken has expired.")) from exc
    except signing.BadSignature as exc:
        raise OAIError("badResumptionToken", _("The resumptionToken is not valid.")) from exc
    try:
        if payload["v"] != verb:
            raise OAIError(
                "badResumptionToken",
                _("The resumptionToken is not one for %(verb)s.") % {"verb": verb},
            )
        arguments = ListArguments(
            verb=verb,
            metadata_prefix=str(payload["p"]),
            from_=str(payload["f"]),
            until=str(payload["u"]),
            set_spec=str(payload["s"]),
        )
        return arguments, int(payload["a"]), int(payload["c"])
    except (KeyError, TypeError, ValueError) as exc:
        raise OAIError("badResumptionToken", _("The resumptionToken is not valid.")) from exc


# -- the protocol ----------------------------------------------------------------------------


class Provider:
    """Answers one OAI-PMH request. ``base_url`` is the absolute URL of the endpoint."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.site_url = base_url.split("/oai/", 1)[0] if "/oai/" in base_url else base_url

    def respond(self, arguments: Mapping[str, Sequence[str]]) -> Response:
        """``arguments`` maps each argument name to every value it was given (a QueryDict's lists)."""
        root = etree.Element(f"{{{OAI_NS}}}OAI-PMH", nsmap={None: OAI_NS, "xsi": XSI_NS})
        root.set(f"{{{XSI_NS}}}schemaLocation", f"{OAI_NS} {OAI_SCHEMA}")
        etree.SubElement(root, f"{{{OAI_NS}}}responseDate").text = format_datestamp(timezone.now())
        request_element = etree.SubElement(root, f"{{{OAI_NS}}}request")
        request_element.text = self.base_url
        try:
            verb, args = self._check_arguments(arguments)
            # The request element echoes the arguments only once they are known to be valid
            # (the spec forbids it for badVerb and badArgument).
            self._echo(request_element, verb, args)
            body = getattr(self, f"_{verb}")(args)
            root.append(body)
        except OAIError as error:
            element = etree.SubElement(root, f"{{{OAI_NS}}}error", code=error.code)
            element.text = _text(error.message)
        content = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
        return Response(content=content)

    def _check_arguments(
        self, arguments: Mapping[str, Sequence[str]]
    ) -> tuple[str, dict[str, str]]:
        verbs = list(arguments.get("verb", []))
        if len(verbs) != 1:
            raise OAIError(
                "badVerb",
                _("The verb argument is missing.") if not verbs else _("The verb is repeated."),
            )
        verb = verbs[0]
        if verb not in VERBS:
            raise OAIError(
                "badVerb", _("The value of the verb argument is not a legal OAI-PMH verb.")
            )
        required, optional, exclusive = _ARGUMENTS[verb]
        args: dict[str, str] = {}
        for name, values in arguments.items():
            if name == "verb":
                continue
            if name not in required | optional and name != exclusive:
                raise OAIError(
                    "badArgument",
                    _("%(verb)s does not take the argument %(name)s.")
                    % {"verb": verb, "name": name},
                )
            if len(values) != 1:
                raise OAIError(
                    "badArgument", _("The argument %(name)s is repeated.") % {"name": name}
                )
            args[name] = values[0]
        if exclusive and exclusive in args:
            if len(args) > 1:
                raise OAIError(
                    "badArgument",
                    _("%(name)s is an exclusive argument: it must come alone.")
                    % {"name": exclusive},
                )
            return verb, args
        missing = sorted(required - args.keys())
        if missing:
            raise OAIError(
                "badArgument",
                _("%(verb)s needs the argument %(names)s.")
                % {"verb": verb, "names": ", ".join(missing)},
            )
        self._check_dates(args)
        if "set" in args and not _SET_SPEC_RE.fullmatch(args["set"]):
            raise OAIError("badArgument", _("The set argument is not a valid setSpec."))
        return verb, args

    @staticmethod
    def _check_dates(args: Mapping[str, str]) -> None:
        parsed = {
            name: _parse_datestamp(args[name], name) for name in ("from", "until") if name in args
        }
        if len(parsed) == 2:
            (start, start_granularity), (end, end_granularity) = parsed["from"], parsed["until"]
            if start_granularity != end_granularity:
                raise OAIError(
                    "badArgument",
                    _("The from and until arguments must have the same granularity."),
                )
            if start > end:
                raise OAIError(
                    "badArgument", _("The from argument is later than the until argument.")
                )

    @staticmethod
    def _echo(element: etree._Element, verb: str, args: Mapping[str, str]) -> None:
        element.set("verb", verb)
        for name, value in args.items():
            # Values the schema's attribute types refuse are left out rather than echoed.
            if name == "metadataPrefix" and not _PREFIX_RE.fullmatch(value):
                continue
            if name == "identifier" and not _URI_RE.fullmatch(value):
                continue
            element.set(name, _text(value))

    # -- verbs ------------------------------------------------------------------------------

    def _Identify(self, args: Mapping[str, str]) -> etree._Element:
        body = etree.Element(f"{{{OAI_NS}}}Identify")
        earliest = items().order_by("updated_at").values_list("updated_at", flat=True).first()
        self._sub(body, "repositoryName", settings.SITE_NAME)
        self._sub(body, "baseURL", self.base_url)
        self._sub(body, "protocolVersion", "2.0")
        for email in admin_emails():
            self._sub(body, "adminEmail", email)
        self._sub(body, "earliestDatestamp", format_datestamp(earliest or EMPTY_EARLIEST))
        self._sub(body, "deletedRecord", DELETED_RECORD)
        self._sub(body, "granularity", GRANULARITY)
        repository = repository_identifier()
        if _DOMAIN_RE.fullmatch(repository):
            description = etree.SubElement(body, f"{{{OAI_NS}}}description")
            identifier = etree.SubElement(
                description,
                f"{{{OAI_IDENTIFIER_NS}}}oai-identifier",
                nsmap={None: OAI_IDENTIFIER_NS},
            )
            identifier.set(
                f"{{{XSI_NS}}}schemaLocation", f"{OAI_IDENTIFIER_NS} {OAI_IDENTIFIER_SCHEMA}"
            )
            for name, value in (
                ("scheme", "oai"),
                ("repositoryIdentifier", repository),
                ("delimiter", ":"),
                ("sampleIdentifier", f"oai:{repository}:resource/1"),
            ):
                etree.SubElement(identifier, f"{{{OAI_IDENTIFIER_NS}}}{name}").text = value
        return body

    def _ListMetadataFormats(self, args: Mapping[str, str]) -> etree._Element:
        if "identifier" in args:
            self._resource(args["identifier"])
        # Every item is available as oai_dc, so noMetadataFormats cannot arise here.
        body = etree.Element(f"{{{OAI_NS}}}ListMetadataFormats")
        for fmt in METADATA_FORMATS:
            element = etree.SubElement(body, f"{{{OAI_NS}}}metadataFormat")
            self._sub(element, "metadataPrefix", fmt.prefix)
            self._sub(element, "schema", fmt.schema)
            self._sub(element, "metadataNamespace", fmt.namespace)
        return body

    def _ListSets(self, args: Mapping[str, str]) -> etree._Element:
        if "resumptionToken" in args:
            # The set list is short and always sent whole, so no token was ever issued for it.
            raise OAIError("badResumptionToken", _("ListSets does not issue resumption tokens."))
        sets = all_sets()
        if not sets:
            raise OAIError("noSetHierarchy", _("This repository has no sets."))
        body = etree.Element(f"{{{OAI_NS}}}ListSets")
        for oai_set in sets:
            element = etree.SubElement(body, f"{{{OAI_NS}}}set")
            self._sub(element, "setSpec", oai_set.spec)
            self._sub(element, "setName", oai_set.name)
            if oai_set.description.strip():
                # What the term means, for harvesters that show sets to people.
                description = etree.SubElement(element, f"{{{OAI_NS}}}setDescription")
                description.append(_dc_container([("description", oai_set.description)]))
        return body

    def _GetRecord(self, args: Mapping[str, str]) -> etree._Element:
        resource = self._resource(args["identifier"])
        self._check_format(args["metadataPrefix"])
        body = etree.Element(f"{{{OAI_NS}}}GetRecord")
        body.append(self._record(resource))
        return body

    def _ListIdentifiers(self, args: Mapping[str, str]) -> etree._Element:
        return self._list(args, "ListIdentifiers")

    def _ListRecords(self, args: Mapping[str, str]) -> etree._Element:
        return self._list(args, "ListRecords")

    # -- parts ------------------------------------------------------------------------------

    def _list(self, args: Mapping[str, str], verb: str) -> etree._Element:
        if "resumptionToken" in args:
            arguments, after, cursor = read_token(args["resumptionToken"], verb)
        else:
            arguments = ListArguments(
                verb=verb,
                metadata_prefix=args["metadataPrefix"],
                from_=args.get("from", ""),
                until=args.get("until", ""),
                set_spec=args.get("set", ""),
            )
            after, cursor = 0, 0
        self._check_format(arguments.metadata_prefix)
        if arguments.set_spec and not all_sets():
            raise OAIError("noSetHierarchy", _("This repository has no sets."))
        queryset = arguments.queryset()
        page = list(
            queryset.filter(pk__gt=after).with_vocabularies()[: PAGE_SIZE + 1]  # type: ignore[attr-defined]
        )
        if not page:
            raise OAIError("noRecordsMatch", _("No records match these arguments."))
        more = len(page) > PAGE_SIZE
        page = page[:PAGE_SIZE]
        body = etree.Element(f"{{{OAI_NS}}}{verb}")
        for resource in page:
            body.append(
                self._header(resource) if verb == "ListIdentifiers" else self._record(resource)
            )
        if more or "resumptionToken" in args:
            token = etree.SubElement(body, f"{{{OAI_NS}}}resumptionToken")
            token.set("completeListSize", str(queryset.count()))
            token.set("cursor", str(cursor))
            if more:
                token.set(
                    "expirationDate",
                    format_datestamp(timezone.now() + timedelta(seconds=TOKEN_MAX_AGE)),
                )
                token.text = make_token(arguments, after=page[-1].pk, cursor=cursor + len(page))
        return body

    def _check_format(self, prefix: str) -> MetadataFormat:
        fmt = METADATA_FORMATS_BY_PREFIX.get(prefix)
        if fmt is None:
            raise OAIError(
                "cannotDisseminateFormat",
                _("This repository does not disseminate that metadata format (it offers oai_dc)."),
            )
        return fmt

    def _resource(self, identifier: str) -> m.Resource:
        resource_id = resource_id_from_identifier(identifier)
        resource = (
            items().with_vocabularies().filter(pk=resource_id).first()  # type: ignore[attr-defined]
            if resource_id is not None
            else None
        )
        if resource is None:
            raise OAIError("idDoesNotExist", _("No item of this repository has that identifier."))
        return resource

    def _header(self, resource: m.Resource) -> etree._Element:
        header = etree.Element(f"{{{OAI_NS}}}header")
        if resource.status != m.Resource.Status.PUBLISHED:
            header.set("status", "deleted")
        self._sub(header, "identifier", oai_identifier(resource.pk))
        self._sub(header, "datestamp", format_datestamp(resource.updated_at))
        for spec in set_specs(resource):
            self._sub(header, "setSpec", spec)
        return header

    def _record(self, resource: m.Resource) -> etree._Element:
        record = etree.Element(f"{{{OAI_NS}}}record")
        record.append(self._header(resource))
        if resource.status == m.Resource.Status.PUBLISHED:
            metadata = etree.SubElement(record, f"{{{OAI_NS}}}metadata")
            metadata.append(
                oai_dc(
                    resource_to_record(resource),
                    page_url=self.site_url + resource.get_absolute_url(),
                )
            )
        return record

    @staticmethod
    def _sub(parent: etree._Element, name: str, text: str) -> etree._Element:
        element = etree.SubElement(parent, f"{{{OAI_NS}}}{name}")
        element.text = _text(text)
        return element


# -- the oai_dc crosswalk --------------------------------------------------------------------

# DCMI Type vocabulary terms for the CSL types whose nature is not plain text.
_DCMI_TYPES = {"motion_picture": "MovingImage", "dataset": "Dataset", "software": "Software"}


def _source(record: Record) -> str:
    """The bibliographic citation of the container: "Journal 12(3):45-67"."""
    if not record.container_title:
        return ""
    citation = record.container_title
    if record.volume:
        citation += f" {record.volume}"
        if record.issue:
            citation += f"({record.issue})"
    elif record.issue:
        citation += f" ({record.issue})"
    if record.pages:
        citation += f":{record.pages}" if record.volume or record.issue else f", {record.pages}"
    return citation


def dc_elements(record: Record, *, page_url: str) -> list[tuple[str, str]]:
    """The Dublin Core (element, value) pairs of a record, in the order oai_dc lists them."""
    elements: list[tuple[str, str]] = [("title", record.title)]
    creators = [format_name(n) for n in record.authors if format_name(n)]
    if creators:
        elements.extend(("creator", c) for c in creators)
        if record.organization:
            elements.append(("contributor", record.organization))
    elif record.organization:
        elements.append(("creator", record.organization))
    subjects: Iterable[str] = [
        *record.domains,
        *record.topics,
        *record.professions,
        *record.keywords,
    ]
    elements.extend(("subject", s) for s in dict.fromkeys(subjects))
    if record.abstract:
        elements.append(("description", record.abstract))
    if record.publisher:
        elements.append(("publisher", record.publisher))
    if record.year:
        elements.append(("date", f"{record.year:04d}"))
    elements.append(("type", _DCMI_TYPES.get(record.type, "Text")))
    if record.resource_type:
        elements.append(("type", record.resource_type))
    elements.append(("identifier", page_url))
    if record.doi:
        elements.append(("identifier", f"https://doi.org/{record.doi}"))
    if record.pmid:
        elements.append(("identifier", f"https://pubmed.ncbi.nlm.nih.gov/{record.pmid}/"))
    if record.url:
        elements.append(("identifier", record.url))
    if source := _source(record):
        elements.append(("source", source))
    if record.language:
        elements.append(("language", record.language))
    return [(name, value) for name, value in elements if value and value.strip()]


def _dc_container(elements: Iterable[tuple[str, str]]) -> etree._Element:
    root = etree.Element(
        f"{{{OAI_DC_NS}}}dc", nsmap={"oai_dc": OAI_DC_NS, "dc": DC_NS, "xsi": XSI_NS}
    )
    root.set(f"{{{XSI_NS}}}schemaLocation", f"{OAI_DC_NS} {OAI_DC_SCHEMA}")
    for name, value in elements:
        etree.SubElement(root, f"{{{DC_NS}}}{name}").text = _text(value)
    return root


def oai_dc(record: Record, *, page_url: str) -> etree._Element:
    return _dc_container(dc_elements(record, page_url=page_url))
