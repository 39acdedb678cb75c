"""Rule metadata for the codes other tools emit: hadolint's DL rules and ShellCheck's SC codes.

hadolint ships no machine-readable catalogue (its own ``-f sarif`` output has no ``rules``),
so the DL table is written here, in our own words, for every code hadolint 2.15.1 can emit.
Default severities are hadolint's; ``None`` marks a rule hadolint keeps off unless a config
enables it (DL1001, DL3057). ShellCheck has hundreds of codes; they get one generic entry
each, pointing at the ShellCheck wiki. Our own DC rules document themselves (``lint.ruledoc``).
"""

from __future__ import annotations

from dataclasses import dataclass

from lint import __version__
from lint.finding import Severity

ERR, WARN, INFO, STYLE = Severity.ERROR, Severity.WARNING, Severity.INFO, Severity.STYLE


@dataclass(frozen=True)
class Entry:
    """One external rule: what it asks for, how severe hadolint makes it, how to tag it."""

    code: str
    severity: Severity | None
    description: str
    tags: tuple[str, ...]
    security_severity: str | None = None
    precision: str = "high"
    #: "final": about what ships (kept for the shipped stage's chain only, unless
    #: ``--hadolint-all-stages``); "all": any stage.
    scope: str = "all"

    @property
    def help_uri(self) -> str:
        return help_uri(self.code)


def _dl(
    code: str,
    severity: Severity | None,
    description: str,
    *tags: str,
    security: str | None = None,
    precision: str = "high",
    scope: str = "all",
) -> Entry:
    return Entry(code, severity, description, ("hadolint", *tags), security, precision, scope)


_PIN = "reproducibility"

#: Every DL code hadolint 2.15.1 can emit (read from the binary's strings and its README).
HADOLINT: dict[str, Entry] = {
    e.code: e
    for e in (
        _dl("DL1000", ERR, "hadolint could not parse the Dockerfile.", "correctness",
            precision="very-high"),
        _dl("DL1001", None, "An inline ignore pragma is used although pragmas are disabled.",
            "maintainability", precision="very-high"),
        _dl("DL3000", ERR, "WORKDIR is given a relative path; use an absolute one.", "correctness"),
        _dl("DL3001", INFO, "RUN calls an interactive or system command (ssh, vim, service, ps, "
            "top, kill, mount, ...) that has no use during a build.", "best-practice"),
        _dl("DL3002", WARN, "The last USER of the image is root.", "security",
            security="5.0", scope="final"),
        _dl("DL3003", WARN, "RUN changes directory with cd; set WORKDIR instead.",
            "maintainability"),
        _dl("DL3004", ERR, "RUN uses sudo; builds already run as the current USER, so switch USER "
            "(or use gosu at run time) instead.", "security", security="4.0"),
        _dl("DL3006", WARN, "FROM names an image without an explicit tag.", _PIN, "security",
            security="3.0"),
        _dl("DL3007", WARN, "FROM uses the moving `latest` tag; pin a release tag.", _PIN,
            "security", security="3.0"),
        _dl("DL3008", WARN, "apt-get install names packages without pinned versions.", _PIN),
        _dl("DL3009", INFO, "apt-get lists are left in the layer after installing.", "size"),
        _dl("DL3010", INFO, "A local archive is copied and then unpacked; ADD can extract it "
            "directly.", "size"),
        _dl("DL3011", ERR, "EXPOSE names a port outside 0-65535.", "correctness",
            precision="very-high"),
        _dl("DL3012", ERR, "The stage has more than one HEALTHCHECK; only the last counts.",
            "correctness"),
        _dl("DL3013", WARN, "pip install names packages without pinned versions.", _PIN),
        _dl("DL3014", WARN, "apt-get install runs without -y and would wait for an answer.",
            "correctness"),
        _dl("DL3015", INFO, "apt-get install pulls recommended packages; add "
            "--no-install-recommends.", "size"),
        _dl("DL3016", WARN, "npm install names packages without pinned versions.", _PIN),
        _dl("DL3018", WARN, "apk add names packages without pinned versions.", _PIN),
        _dl("DL3019", INFO, "apk add runs without --no-cache and leaves its index in the layer.",
            "size"),
        _dl("DL3020", ERR, "ADD copies plain files or folders; COPY says what it does and no more.",
            "best-practice"),
        _dl("DL3021", ERR, "COPY with several sources needs a destination ending in /.",
            "correctness", precision="very-high"),
        _dl("DL3022", WARN, "COPY --from names a stage that is not defined earlier.",
            "correctness"),
        _dl("DL3023", ERR, "COPY --from names the stage it is in.", "correctness",
            precision="very-high"),
        _dl("DL3024", ERR, "Two stages share the same name.", "correctness",
            precision="very-high"),
        _dl("DL3025", WARN, "CMD or ENTRYPOINT uses shell form; the JSON form passes "
            "signals to the process.", "best-practice"),
        _dl("DL3026", ERR, "FROM pulls from a registry that is not in the trusted list.",
            "security", "supply-chain", security="5.0"),
        _dl("DL3027", WARN, "RUN uses apt, whose interface is not stable for scripts; use apt-get "
            "or apt-cache.", "correctness"),
        _dl("DL3028", WARN, "gem install names gems without pinned versions.", _PIN),
        _dl("DL3029", WARN, "FROM sets --platform, which ties the build to one architecture.",
            "portability"),
        _dl("DL3030", WARN, "yum install runs without -y and would wait for an answer.",
            "correctness"),
        _dl("DL3032", WARN, "yum runs without a following `yum clean all`, leaving its cache in "
            "the layer.", "size"),
        _dl("DL3033", WARN, "yum install names packages without pinned versions.", _PIN),
        _dl("DL3034", WARN, "zypper runs without its non-interactive switch.", "correctness"),
        _dl("DL3035", WARN, "RUN performs a zypper dist-upgrade, which changes the whole base "
            "system.", _PIN),
        _dl("DL3036", WARN, "zypper runs without a following `zypper clean`, leaving its cache in "
            "the layer.", "size"),
        _dl("DL3037", WARN, "zypper install names packages without pinned versions.", _PIN),
        _dl("DL3038", WARN, "dnf install runs without -y and would wait for an answer.",
            "correctness"),
        _dl("DL3040", WARN, "dnf runs without a following `dnf clean all`, leaving its cache in "
            "the layer.", "size"),
        _dl("DL3041", WARN, "dnf install names packages without pinned versions.", _PIN),
        _dl("DL3042", WARN, "pip install keeps its download cache in the layer; add "
            "--no-cache-dir.", "size"),
        _dl("DL3043", ERR, "ONBUILD triggers ONBUILD, FROM or MAINTAINER, which is not allowed.",
            "correctness", precision="very-high"),
        _dl("DL3044", ERR, "An ENV refers to a variable that the same ENV instruction defines; "
            "it still has its old value there.", "correctness"),
        _dl("DL3045", WARN, "COPY has a relative destination but no WORKDIR is set.",
            "correctness"),
        _dl("DL3046", WARN, "useradd with a high UID and without -l writes a huge lastlog file "
            "into the layer.", "size"),
        _dl("DL3047", INFO, "wget runs without a progress setting and floods the build log.",
            "maintainability"),
        _dl("DL3048", STYLE, "A LABEL key is not a valid label key.", "maintainability"),
        _dl("DL3049", INFO, "A label the configuration requires is missing.", "maintainability"),
        _dl("DL3050", INFO, "A label is present that the configuration does not allow.",
            "maintainability"),
        _dl("DL3051", WARN, "A required label is empty.", "maintainability"),
        _dl("DL3052", WARN, "A label that should hold a URL does not.", "maintainability"),
        _dl("DL3053", WARN, "A label that should hold an RFC 3339 time does not.",
            "maintainability"),
        _dl("DL3054", WARN, "A label that should hold an SPDX license identifier does not.",
            "maintainability"),
        _dl("DL3055", WARN, "A label that should hold a git commit hash does not.",
            "maintainability"),
        _dl("DL3056", WARN, "A label that should hold a semantic version does not.",
            "maintainability"),
        _dl("DL3057", None, "The stage has no HEALTHCHECK.", "reliability", scope="final"),
        _dl("DL3058", WARN, "A label that should hold an RFC 5322 e-mail address does not.",
            "maintainability"),
        _dl("DL3059", INFO, "Consecutive RUN instructions could be merged into one layer.", "size",
            precision="medium"),
        _dl("DL3060", INFO, "yarn install runs without a following `yarn cache clean`.", "size"),
        _dl("DL3061", ERR, "An instruction other than FROM, ARG or a comment comes first.",
            "correctness", precision="very-high"),
        _dl("DL3062", WARN, "go install names a module without an @version.", _PIN),
        _dl("DL3063", WARN, "A stage is named with a reserved word (such as scratch).",
            "correctness"),
        _dl("DL3064", WARN, "ARG or ENV has a name that looks like a secret; its value is stored "
            "in the image metadata.", "security", "secrets", security="7.5",
            precision="medium"),
        _dl("DL3065", WARN, "FROM --platform=$TARGETPLATFORM repeats the default.",
            "maintainability"),
        _dl("DL3066", INFO, "USER names a user rather than a numeric UID, which the host cannot "
            "check.", "security", security="2.0"),
        _dl("DL3067", WARN, "COPY --from copies the whole filesystem of another stage.", "size"),
        _dl("DL4000", ERR, "MAINTAINER is deprecated; use a LABEL.", "maintainability"),
        _dl("DL4001", WARN, "Both wget and curl are used; one download tool is enough.", "size"),
        _dl("DL4003", WARN, "The stage has more than one CMD; only the last counts.",
            "correctness"),
        _dl("DL4004", ERR, "The stage has more than one ENTRYPOINT; only the last counts.",
            "correctness"),
        _dl("DL4005", WARN, "RUN switches the shell by linking /bin/sh; use SHELL.",
            "maintainability"),
        _dl("DL4006", WARN, "RUN has a pipe but no `set -o pipefail` (through SHELL), so a failing "
            "command before the pipe goes unnoticed.", "correctness"),
    )
}


#: Our rules page at the release this is (its headings ``### DC101`` are the anchors ``#dc101``).
RULES_URI = ("https://github.com/dockerfile-review/dockerfile-review/blob/"
             f"v{__version__}/docs/rules.md")


def help_uri(code: str) -> str:
    """Where the rule is explained: our rules page at this release for DC, hadolint's wiki for
    DL, ShellCheck's for SC."""
    if code.startswith("DC"):
        return f"{RULES_URI}#{code.lower()}"
    if code.startswith("SC"):
        return f"https://www.shellcheck.net/wiki/{code}"
    return f"https://github.com/hadolint/hadolint/wiki/{code}"


def lookup(code: str) -> Entry:
    """The entry for a DL or SC code; a generic one for codes this table does not know (a
    newer hadolint, or any of ShellCheck's)."""
    if code in HADOLINT:
        return HADOLINT[code]
    if code.startswith("SC"):
        return Entry(
            code, None,
            f"ShellCheck {code} in a RUN instruction's shell code (checked by hadolint).",
            ("shellcheck", "correctness"),
        )
    return Entry(code, None, f"hadolint rule {code}.", ("hadolint",))
