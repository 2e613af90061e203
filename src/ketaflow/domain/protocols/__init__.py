"""Protocol profiles as versioned data (drug-library entries for ketamine)."""

from ketaflow.domain.protocols.profiles import (
    LIMIT_NAMES,
    CourseShape,
    Escalation,
    Limit,
    ProtocolProfile,
    SourcedValue,
    profile_from_dict,
    protocol_get,
    protocol_list,
)

__all__ = [
    "LIMIT_NAMES",
    "CourseShape",
    "Escalation",
    "Limit",
    "ProtocolProfile",
    "SourcedValue",
    "profile_from_dict",
    "protocol_get",
    "protocol_list",
]
