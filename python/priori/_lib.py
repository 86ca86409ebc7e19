"""_lib.py -- finding, loading and declaring libpriori (ctypes).

The library is looked up once, on first use, in this order:
  1. $PRIORI_LIB, the path of a libpriori.so (nothing else is tried when set);
  2. build/libpriori.so.0 of the repository checkout, when the package runs
     from python/priori/ of a checkout (include/priori.h next to build/);
  3. ctypes.util.find_library("priori"), then the soname "libpriori.so.0"
     (the dynamic loader's search: ld.so.cache, LD_LIBRARY_PATH);
  4. PREFIX/lib/libpriori.so.0 (and PREFIX/lib/<multiarch>/) when the
     package is installed under PREFIX/lib/pythonX.Y/..., for a `make
     install PREFIX=...` whose lib folder the loader does not search.
When the library is the checkout's build/libpriori.so*, the checkout's db/
is the default database (default_db()), as build/priori finds it: libpriori
looks next to the running program, which is python3 here.
The library's priori_version_number() must have the MAJOR and MINOR this
package was written for (0.3; any PATCH): a 0.x minor release may change the
API. A library that is missing or of another version raises LibraryError.

Every prototype of include/priori.h the package uses is declared here.
Owned strings (`char *` returned, freed with priori_free) are declared
c_void_p, never c_char_p (which would copy the bytes and lose the pointer);
take_string() copies them and frees them. Borrowed strings (`const char *`)
are c_char_p.
"""
import ctypes
import ctypes.util
import os
import sys
import threading

from .errors import LibraryError, error_for

# The API this package was written against (include/priori.h).
EXPECTED_MAJOR = 0
EXPECTED_MINOR = 3
ERROR_MAX = 1024  # PRIORI_ERROR_MAX

# enum priori_format
FORMATS = {"table": 0, "json": 1, "csv": 2, "md": 3, "html": 4, "github": 5}


class CError(ctypes.Structure):
    """struct priori_error."""
    _fields_ = [("status", ctypes.c_int), ("message", ctypes.c_char * ERROR_MAX)]


class CTotals(ctypes.Structure):
    """struct priori_totals."""
    _fields_ = [(name, ctypes.c_uint64) for name in (
        "params", "macs", "flops", "weight_bytes", "activation_bytes",
        "peak_activation_bytes", "bytes_read", "bytes_written")] + \
        [("layers", ctypes.c_int), ("unsupported", ctypes.c_int), ("warnings", ctypes.c_int)]


_U64 = ctypes.c_uint64
_D = ctypes.c_double


class CSweepInfo(ctypes.Structure):
    """struct priori_sweep_info."""
    _fields_ = [("axes", ctypes.c_int), ("symbol", ctypes.c_char_p * 2), ("nvalues", ctypes.c_int * 2),
                ("points", ctypes.c_int), ("failed", ctypes.c_int), ("estimated", ctypes.c_int),
                ("warnings", ctypes.c_int)]


class CSweepPoint(ctypes.Structure):
    """struct priori_sweep_point."""
    _fields_ = [("at", ctypes.c_int64 * 2), ("status", ctypes.c_int), ("error", ctypes.c_char_p)] + \
        [(name, _U64) for name in ("params", "macs", "flops", "weight_bytes", "activation_bytes",
                                   "peak_activation_bytes", "bytes_read", "bytes_written")] + \
        [("latency_s", _D), ("energy_j", _D), ("co2e_g", _D), ("regime", ctypes.c_char_p)]


class CLlmCall(ctypes.Structure):
    """struct priori_llm_call."""
    _fields_ = [("context", ctypes.c_int64), ("past", ctypes.c_int64), ("new_tokens", ctypes.c_int64)] + \
        [(name, _U64) for name in ("macs", "flops", "bytes_read", "bytes_written", "activation_bytes",
                                   "kv_bytes")] + \
        [("latency_s", _D), ("energy_j", _D), ("regime", ctypes.c_char_p), ("analysed", ctypes.c_int)]


class CLlmInfo(ctypes.Structure):
    """struct priori_llm_info."""
    _fields_ = [("prompt", ctypes.c_int64), ("generate", ctypes.c_int64), ("batch", ctypes.c_int64),
                ("prefill", CLlmCall), ("decode", CLlmCall), ("request", CLlmCall)] + \
        [(name, _U64) for name in ("params", "weight_bytes", "kv_bytes_per_token", "kv_bytes_end",
                                   "prefill_peak_activation_bytes", "decode_peak_activation_bytes")] + \
        [("interpolated", ctypes.c_int), ("analysed_contexts", ctypes.c_int), ("complete", ctypes.c_int),
         ("layout", ctypes.c_char_p), ("layout_how", ctypes.c_char_p), ("estimated", ctypes.c_int)] + \
        [(name, _D) for name in ("time_to_first_token_s", "decode_s", "tokens_per_s", "energy_per_request_j",
                                 "energy_per_token_j", "co2e_per_request_g")] + \
        [("warnings", ctypes.c_int)]


_P = ctypes.c_void_p
_S = ctypes.c_char_p
_E = ctypes.POINTER(CError)
_I = ctypes.c_int

# name: (restype, argtypes)
_PROTOTYPES = {
    "priori_version": (_S, []),
    "priori_version_number": (_I, []),
    "priori_status_name": (_S, [_I]),
    "priori_free": (None, [_P]),
    "priori_model_load": (_P, [_S, _E]),
    "priori_model_load_buffer": (_P, [_P, ctypes.c_size_t, _S, _E]),
    "priori_model_free": (None, [_P]),
    "priori_options_new": (_P, []),
    "priori_options_free": (None, [_P]),
    "priori_options_set": (_I, [_P, _S, _S, _E]),
    "priori_analyze": (_P, [_P, _P, _E]),
    "priori_analysis_free": (None, [_P]),
    "priori_analysis_totals": (_I, [_P, ctypes.POINTER(CTotals)]),
    "priori_analysis_warning": (_S, [_P, _I]),
    "priori_render": (_P, [_P, _I, _E]),
    "priori_compare": (_P, [ctypes.POINTER(_S), _I, _P, _I, _E]),
    "priori_diff": (_P, [_S, _S, _P, _I, _I, _E]),
    "priori_check": (_P, [_S, _S, _S, _S, _P, _I, ctypes.POINTER(_I), _E]),
    "priori_sweep": (_P, [_P, _P, _E]),
    "priori_sweep_free": (None, [_P]),
    "priori_sweep_summary": (_I, [_P, ctypes.POINTER(CSweepInfo)]),
    "priori_sweep_point_at": (_I, [_P, _I, ctypes.POINTER(CSweepPoint)]),
    "priori_sweep_warning": (_S, [_P, _I]),
    "priori_sweep_render": (_P, [_P, _I, _E]),
    "priori_llm": (_P, [_P, _P, _E]),
    "priori_llm_free": (None, [_P]),
    "priori_llm_summary": (_I, [_P, ctypes.POINTER(CLlmInfo)]),
    "priori_llm_step": (_I, [_P, ctypes.c_int64, ctypes.POINTER(CLlmCall)]),
    "priori_llm_warning": (_S, [_P, _I]),
    "priori_llm_render": (_P, [_P, _I, _E]),
    "priori_ops_json": (_P, [_E]),
    "priori_hw_profiles_json": (_P, [_S, _E]),
    "priori_hw_profile_json": (_P, [_S, _S, _E]),
}

_lock = threading.Lock()
_loaded = None  # (CDLL, path)


def _checkout_root():
    """The repository checkout when this package is its python/priori/, else None."""
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.dirname(os.path.dirname(here))
    if os.path.basename(os.path.dirname(here)) != "python":
        return None
    return root if os.path.isfile(os.path.join(root, "include", "priori.h")) else None


def _checkout_library():
    """build/libpriori.so.0 when this package is python/priori/ of a checkout."""
    root = _checkout_root()
    path = root and os.path.join(root, "build", "libpriori.so.0")
    return path if path and os.path.exists(path) else None


def default_db():
    """The checkout's db/ when the library in use is built in that checkout and
    $PRIORI_DB is not set; else None (libpriori's own default applies)."""
    if os.environ.get("PRIORI_DB"):
        return None
    root = _checkout_root()
    if not root:
        return None
    build = os.path.realpath(os.path.join(root, "build")) + os.sep
    db = os.path.join(root, "db")
    if os.path.realpath(library_path()).startswith(build) and os.path.isfile(os.path.join(db, "profiles.json")):
        relative = os.path.relpath(db)
        return db if relative.startswith("..") else relative
    return None


def _prefix_libraries():
    """PREFIX/lib[/multiarch]/libpriori.so.0 for a package under PREFIX/lib/pythonX.Y/."""
    here = os.path.dirname(os.path.abspath(__file__))
    parts = here.split(os.sep)
    for i in range(len(parts) - 1, 0, -1):
        if parts[i].startswith("python") and parts[i - 1] == "lib":
            libdir = os.sep.join(parts[:i])
            multiarch = getattr(sys.implementation, "_multiarch", None)
            names = [os.path.join(libdir, "libpriori.so.0")]
            if multiarch:
                names.append(os.path.join(libdir, multiarch, "libpriori.so.0"))
            return [n for n in names if os.path.exists(n)]
    return []


def _candidates():
    env = os.environ.get("PRIORI_LIB")
    if env:
        return [env], "$PRIORI_LIB=" + env
    names = []
    checkout = _checkout_library()
    if checkout:
        names.append(checkout)
    found = ctypes.util.find_library("priori")
    if found:
        names.append(found)
    names.append("libpriori.so.0")
    names.extend(_prefix_libraries())
    return names, "build/libpriori.so.0 of the checkout, find_library('priori'), libpriori.so.0"


def _declare(lib):
    for name, (restype, argtypes) in _PROTOTYPES.items():
        fn = getattr(lib, name)
        fn.restype = restype
        fn.argtypes = argtypes


def _open():
    names, where = _candidates()
    reasons = []
    for name in names:
        try:
            lib = ctypes.CDLL(name)
        except OSError as e:
            reasons.append(str(e))
            continue
        try:
            _declare(lib)
        except AttributeError as e:
            raise LibraryError("%s is not a usable libpriori: %s" % (name, e))
        number = lib.priori_version_number()
        major, minor = number // 10000, number // 100 % 100
        if (major, minor) != (EXPECTED_MAJOR, EXPECTED_MINOR):
            raise LibraryError(
                "%s is libpriori %s (version number %d), but this package needs %d.%d.x; "
                "install the matching library or point $PRIORI_LIB at it"
                % (name, lib.priori_version().decode(), number, EXPECTED_MAJOR, EXPECTED_MINOR))
        return lib, _path_of(lib, name)
    raise LibraryError(
        "cannot find libpriori (tried %s): %s; build it with `make` in the priori "
        "checkout, install it with `make install`, or set $PRIORI_LIB to its path"
        % (where, "; ".join(reasons) or "no candidate"))


def _path_of(lib, name):
    """The file the loader actually mapped for lib (from /proc/self/maps), else name."""
    try:
        addr = ctypes.cast(lib.priori_version, ctypes.c_void_p).value
        with open("/proc/self/maps") as maps:
            for line in maps:
                fields = line.split()
                lo, hi = (int(x, 16) for x in fields[0].split("-"))
                if lo <= addr < hi and len(fields) >= 6:
                    return fields[5]
    except (OSError, ValueError):
        pass
    return name


def lib():
    """The loaded library (loading it on first use)."""
    global _loaded
    if _loaded is None:
        with _lock:
            if _loaded is None:
                _loaded = _open()
    return _loaded[0]


def library_path():
    """The path of the libpriori the package uses (loading it if needed)."""
    lib()
    return _loaded[1]


def new_error():
    return CError()


def raise_error(err, what=None):
    """Raises the Error subclass of err's status with its message."""
    message = err.message.decode("utf-8", "replace")
    if err.status == 0:
        # NULL or a failure status without a status set: a bug of libpriori.
        raise error_for(6)(6, "libpriori: %s failed without an error status%s"
                           % (what or "a call", (": " + message) if message else ""))
    raise error_for(err.status)(err.status, message)


def take_string(ptr, err, what):
    """Copies and frees an owned string returned by libpriori; raises on NULL."""
    if not ptr:
        raise_error(err, what)
    try:
        return ctypes.string_at(ptr).decode("utf-8", "surrogateescape")
    finally:
        lib().priori_free(ptr)


def fspath(path):
    """A path (str, bytes, os.PathLike) as bytes for the C API."""
    if path is None:
        return None
    return os.fsencode(path)


def format_code(fmt, allowed):
    """The priori_format of a format name; ArgumentError (before any C call) otherwise."""
    if fmt in allowed:
        return FORMATS[fmt]
    raise error_for(1)(1, "format %r: expected %s" % (fmt, ", ".join(allowed)))


__all__ = ["lib", "library_path", "default_db", "CError", "CTotals", "CSweepInfo", "CSweepPoint", "CLlmCall",
           "CLlmInfo", "FORMATS"]
