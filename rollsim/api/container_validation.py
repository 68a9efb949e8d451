"""The container checks of the API server for the fields rollsim keeps opaque.

Mirrors pkg/apis/core/validation: ``validateContainerPorts``,
``validateProbe``/``validateHandler`` (``validateHTTPGetAction``,
``validateTCPSocketAction``, ``validateGRPCAction``, ``validateExecAction``,
``ValidatePortNumOrName``), ``ValidateResourceRequirements`` (resource names
and quantities, ``resource.ParseQuantity``), ``ValidateVolumeMounts`` and the
name checks of ``ValidateVolumes``, with k8s.io/apimachinery's
``IsValidPortNum`` and ``IsValidPortName``. ``describe`` and the kubelet read
these fields, so a value the API server refuses must not get past apply.

Each field is checked as the API server checks it after defaulting: an
httpGet without ``path`` or ``scheme`` is valid (``SetDefaults_HTTPGetAction``
fills ``/`` and ``HTTP``) without rollsim storing the defaults, so the
template hash of a valid manifest does not change. A value of the wrong JSON
type is a decode error, the decoder's to report; it is skipped here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any, Final

from rollsim.api.errors import FieldError

__all__ = [
    "validate_container_ports",
    "validate_probe_handler",
    "validate_resources",
    "validate_volume_mounts",
    "validate_volumes",
]

_PORT_RANGE: Final = "must be between 1 and 65535, inclusive"
_PROTOCOLS: Final = ("SCTP", "TCP", "UDP")
_SCHEMES: Final = ("HTTP", "HTTPS")
_HANDLERS: Final = ("exec", "httpGet", "tcpSocket", "grpc")
_QUANTITY_FMT: Final = "^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$"
_QUANTITY_FORMAT_ERROR: Final = f"quantities must match the regular expression '{_QUANTITY_FMT}'"
_QUANTITY_SUFFIX_ERROR: Final = "unable to parse quantity's suffix"
_BINARY_SUFFIXES: Final = {"Ki": 10, "Mi": 20, "Gi": 30, "Ti": 40, "Pi": 50, "Ei": 60}
_DECIMAL_SUFFIXES: Final = {
    "n": -9, "u": -6, "m": -3, "": 0, "k": 3, "M": 6, "G": 9, "T": 12, "P": 15, "E": 18,
}  # fmt: skip
_STANDARD_CONTAINER_RESOURCES: Final = frozenset({"cpu", "memory", "ephemeral-storage"})
_DNS1123_LABEL: Final = re.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?")

_DNS1123_LABEL_ERROR: Final = (
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', "
    "and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', "
    "regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def port_name_errors(name: str) -> list[str]:
    """``IsValidPortName``: an IANA_SVC_NAME, at most 15 characters, a-z, 0-9 and
    single inner hyphens, at least one letter."""
    errors = []
    if len(name) > 15:
        errors.append("must be no more than 15 characters")
    if not re.fullmatch("[-a-z0-9]+", name):
        errors.append("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)")
    if not re.search("[a-z]", name):
        errors.append("must contain at least one letter (a-z)")
    if "--" in name:
        errors.append("must not contain consecutive hyphens")
    if name.startswith("-") or name.endswith("-"):
        errors.append("must not begin or end with a hyphen")
    return errors


def _port_num_or_name(port: Any, path: str) -> list[FieldError]:
    """``ValidatePortNumOrName``: a number in range or a valid port name (unset is 0)."""
    if port is None:
        port = 0
    if _is_int(port):
        if not 1 <= port <= 65535:
            return [FieldError("Invalid value", path, _PORT_RANGE, port)]
        return []
    if isinstance(port, str):
        return [FieldError("Invalid value", path, m, port) for m in port_name_errors(port)]
    return []


def validate_container_ports(ports: Any, path: str) -> list[FieldError]:
    """``validateContainerPorts``: unique valid names, a containerPort (and any
    hostPort) in range, a supported protocol."""
    if not isinstance(ports, list):
        return []
    errors: list[FieldError] = []
    names: set[str] = set()
    for i, port in enumerate(ports):
        if not isinstance(port, Mapping):
            continue
        ppath = f"{path}[{i}]"
        name = port.get("name")
        if isinstance(name, str) and name:
            messages = port_name_errors(name)
            errors += [FieldError("Invalid value", f"{ppath}.name", m, name) for m in messages]
            if not messages and name in names:
                errors.append(FieldError("Duplicate value", f"{ppath}.name", "", name))
            names.add(name)
        container_port = port.get("containerPort", 0)
        if container_port in (0, None):
            errors.append(FieldError("Required value", f"{ppath}.containerPort"))
        elif _is_int(container_port) and not 1 <= container_port <= 65535:
            errors.append(
                FieldError("Invalid value", f"{ppath}.containerPort", _PORT_RANGE, container_port)
            )
        host_port = port.get("hostPort", 0)
        if _is_int(host_port) and host_port != 0 and not 1 <= host_port <= 65535:
            errors.append(FieldError("Invalid value", f"{ppath}.hostPort", _PORT_RANGE, host_port))
        protocol = port.get("protocol", "TCP")
        if isinstance(protocol, str) and protocol not in _PROTOCOLS:
            errors.append(
                FieldError(
                    "Unsupported value",
                    f"{ppath}.protocol",
                    'supported values: "SCTP", "TCP", "UDP"',
                    protocol,
                )
            )
    return errors


def validate_probe_handler(handlers: Mapping[str, Any], path: str) -> list[FieldError]:
    """``validateHandler``: exactly one handler type, each valid as upstream's action checks."""
    errors: list[FieldError] = []
    found = 0
    for kind in _HANDLERS:
        if handlers.get(kind) is None:
            continue
        if found:
            detail = "may not specify more than 1 handler type"
            errors.append(FieldError("Forbidden", f"{path}.{kind}", detail))
            continue
        found += 1
        action = handlers[kind]
        if isinstance(action, Mapping):
            errors += _validate_action(kind, action, f"{path}.{kind}")
    if not found:
        errors.append(FieldError("Required value", path, "must specify a handler type"))
    return errors


def _validate_action(kind: str, action: Mapping[str, Any], path: str) -> list[FieldError]:
    """One handler: ``validateExecAction`` (a command), ``validateHTTPGetAction`` (a port
    and a supported scheme; the path defaults to ``/``), ``validateTCPSocketAction`` and
    ``validateGRPCAction`` (a port)."""
    if kind == "exec":
        command = action.get("command")
        if command is None or command == []:
            return [FieldError("Required value", f"{path}.command")]
        return []
    errors = _port_num_or_name(action.get("port"), f"{path}.port")
    scheme = action.get("scheme") or "HTTP"
    if kind == "httpGet" and isinstance(scheme, str) and scheme not in _SCHEMES:
        errors.append(
            FieldError(
                "Unsupported value", f"{path}.scheme", 'supported values: "HTTP", "HTTPS"', scheme
            )
        )
    return errors


def parse_quantity(text: str) -> Decimal:
    """``resource.ParseQuantity``: a signed decimal number and a suffix (binary ``Ki``..``Ei``,
    decimal ``n``..``E`` or an exponent ``e3``/``E-2``). Raises ``ValueError`` with Go's
    ``ErrFormatWrong`` or ``ErrSuffix`` text."""
    match = re.fullmatch(r"([+-]?)([0-9]*(?:\.[0-9]*)?)(.*)", text, re.DOTALL)
    if match is None:
        raise ValueError(_QUANTITY_FORMAT_ERROR)
    sign, number, suffix = match.groups()
    # Go reads the suffix as letters, a sign and digits; anything else is a format error.
    if number in ("", ".") or not re.fullmatch("[eEinumkKMGTP]*[-+]?[0-9]*", suffix):
        raise ValueError(_QUANTITY_FORMAT_ERROR)
    value = Decimal(number) * (-1 if sign == "-" else 1)
    if suffix in _BINARY_SUFFIXES:
        return value * Decimal(2 ** _BINARY_SUFFIXES[suffix])
    if suffix in _DECIMAL_SUFFIXES:
        return value.scaleb(_DECIMAL_SUFFIXES[suffix])
    exponent = re.fullmatch(r"[eE]([+-]?[0-9]+)", suffix)
    if exponent is None or len(exponent.group(1)) > 6:
        raise ValueError(_QUANTITY_SUFFIX_ERROR)
    try:
        return value.scaleb(int(exponent.group(1)))
    except InvalidOperation as error:  # past Decimal's exponent range
        raise ValueError(_QUANTITY_SUFFIX_ERROR) from error


def _resource_list(values: Any, path: str, parsed: dict[str, Decimal]) -> list[FieldError]:
    """One ``limits`` or ``requests`` list: container resource names, quantities that
    parse and are not negative (``ValidateResourceQuantityValue``)."""
    if not isinstance(values, Mapping):
        return []
    errors: list[FieldError] = []
    for name, quantity in values.items():
        if not isinstance(name, str) or isinstance(quantity, bool):
            continue
        rpath = f"{path}[{name}]"
        standard = name in _STANDARD_CONTAINER_RESOURCES or name.startswith("hugepages-")
        if "/" not in name and not standard:
            detail = "must be a standard resource for containers"
            errors.append(FieldError("Invalid value", rpath, detail, name))
        if not isinstance(quantity, (str, int, float)):
            continue
        # Quantity.UnmarshalJSON trims the text before it parses it.
        text = quantity.strip() if isinstance(quantity, str) else str(quantity)
        try:
            amount = parse_quantity(text)
        except ValueError as error:
            errors.append(FieldError("Invalid value", rpath, str(error), text))
            continue
        if amount < 0:
            errors.append(
                FieldError("Invalid value", rpath, "must be greater than or equal to 0", text)
            )
        parsed[name] = amount
    return errors


def validate_resources(resources: Any, path: str) -> list[FieldError]:
    """``ValidateResourceRequirements``: every limit and request valid, and no request
    above its limit."""
    if not isinstance(resources, Mapping):
        return []
    limits: dict[str, Decimal] = {}
    requests: dict[str, Decimal] = {}
    errors = _resource_list(resources.get("limits"), f"{path}.limits", limits)
    errors += _resource_list(resources.get("requests"), f"{path}.requests", requests)
    raw_limits = resources.get("limits") or {}
    raw_requests = resources.get("requests") or {}
    for name, amount in requests.items():
        if name in limits and amount > limits[name]:
            errors.append(
                FieldError(
                    "Invalid value",
                    f"{path}.requests",
                    f"must be less than or equal to {name} limit of {raw_limits[name]}",
                    str(raw_requests[name]),
                )
            )
    return errors


def volume_names(volumes: Any) -> set[str]:
    """The names of the pod's volumes, as ``IsMatchedVolume`` looks them up."""
    if not isinstance(volumes, list):
        return set()
    return {v["name"] for v in volumes if isinstance(v, Mapping) and isinstance(v.get("name"), str)}


def validate_volumes(volumes: Any, path: str) -> list[FieldError]:
    """The name checks of ``ValidateVolumes``: required, a DNS-1123 label, unique."""
    if not isinstance(volumes, list):
        return []
    errors: list[FieldError] = []
    seen: set[str] = set()
    for i, volume in enumerate(volumes):
        if not isinstance(volume, Mapping) or not isinstance(volume.get("name", ""), str):
            continue
        name = volume.get("name", "")
        npath = f"{path}[{i}].name"
        if not name:
            errors.append(FieldError("Required value", npath))
        elif len(name) > 63 or not _DNS1123_LABEL.fullmatch(name):
            errors.append(FieldError("Invalid value", npath, _DNS1123_LABEL_ERROR, name))
        elif name in seen:
            errors.append(FieldError("Duplicate value", npath, "", name))
        seen.add(name)
    return errors


def validate_volume_mounts(mounts: Any, volumes: set[str], path: str) -> list[FieldError]:
    """``ValidateVolumeMounts``: a name that is one of the pod's volumes and a unique,
    non-empty mountPath."""
    if not isinstance(mounts, Sequence) or isinstance(mounts, str):
        return []
    errors: list[FieldError] = []
    mount_paths: set[str] = set()
    for i, mount in enumerate(mounts):
        if not isinstance(mount, Mapping):
            continue
        mpath = f"{path}[{i}]"
        name = mount.get("name", "")
        mount_path = mount.get("mountPath", "")
        if not isinstance(name, str) or not isinstance(mount_path, str):
            continue
        if not name:
            errors.append(FieldError("Required value", f"{mpath}.name"))
        if name not in volumes:
            # field.NotFound prints the value after its type, as Invalid value does.
            errors.append(FieldError("Not found", f"{mpath}.name", value=name))
        if not mount_path:
            errors.append(FieldError("Required value", f"{mpath}.mountPath"))
        if mount_path in mount_paths:
            errors.append(
                FieldError("Invalid value", f"{mpath}.mountPath", "must be unique", mount_path)
            )
        mount_paths.add(mount_path)
    return errors
