"""The pinned official schema files: where upstream publishes them and the sha256 each must have.

Data only. The files themselves are third-party (IDTA, CC BY 4.0) and never part of this repository;
``aasref schemas install`` fetches them and refuses any byte that differs from these pins.
"""

from __future__ import annotations

from dataclasses import dataclass

RAW_BASE = "https://raw.githubusercontent.com/"


@dataclass(frozen=True)
class PinnedFile:
    name: str          # name inside the version folder (aas.json, AAS.xsd, LICENSE.txt)
    upstream: str      # path inside the upstream repository at ``commit``
    blob: str          # git blob id upstream (as in git ls-tree)
    sha256: str
    required: bool = True  # the validator needs it (LICENSE.txt is installed when the source has it)


@dataclass(frozen=True)
class PinnedRelease:
    folder: str        # V3.0.9, V3.1.2
    metamodel: str     # 3.0, 3.1
    repo: str          # owner/name on GitHub
    tag: str
    commit: str
    files: tuple[PinnedFile, ...]

    def url(self, file: PinnedFile, base: str = RAW_BASE) -> str:
        """raw.githubusercontent.com-style URL of ``file`` (``base`` replaces the host for mirrors)."""
        return f"{base.rstrip('/')}/{self.repo}/{self.commit}/{file.upstream}"


_LICENSE_BLOB = "69b48f7041942692ac039708aef6903822ac2e7d"
_LICENSE_SHA256 = "0caef66f639ab192462d6d7a8f2c65c53f8b238179ac5ed94abf437040839e3e"

RELEASES: tuple[PinnedRelease, ...] = (
    PinnedRelease(
        "V3.0.9", "3.0", "admin-shell-io/aas-specs", "IDTA-01001-3-0-1_schemasV3.0.9",
        "b11bbab79d9c2b47761ce878bee0ba592ee87513",
        (PinnedFile("aas.json", "schemas/json/aas.json", "946230015088fc9ea93dfbfdeb9c2354c37362ff",
                    "eb566d47316c99093805bf03545ca4d5439ec4568c218742b7640e39b1548349"),
         PinnedFile("AAS.xsd", "schemas/xml/AAS.xsd", "cc3f7456214e9cfe01bd86fb5b0967ce70bf7242",
                    "40eb128b16846f971d02d14040ce0a0ce9d1041ede7001e955b7227b155d1e7a"),
         PinnedFile("LICENSE.txt", "LICENSE.txt", _LICENSE_BLOB, _LICENSE_SHA256, required=False))),
    PinnedRelease(
        "V3.1.2", "3.1", "admin-shell-io/aas-specs-metamodel", "v3.1.2",
        "a93e41c07c4018e864cba6016b760b9c7e0d849f",
        (PinnedFile("aas.json", "schemas/json/aas.json", "8451293712358103bc4f15cbe5f47665dce95312",
                    "9a8a005e303634f5041b9a2eac2e19c5cca05b9dd54c4bd20afbc7ab809d411e"),
         PinnedFile("AAS.xsd", "schemas/xml/AAS.xsd", "7851a13033256dccdd21f5fc935bc405f66cec3f",
                    "9270966e703a7305ff17920cff1efe8ef032d7e9f4949b2a6e5173f4994bff77"),
         PinnedFile("LICENSE.txt", "LICENSE.txt", _LICENSE_BLOB, _LICENSE_SHA256, required=False))),
)
