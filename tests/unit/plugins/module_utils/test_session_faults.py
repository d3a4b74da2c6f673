"""Every simulator fault: retried and recovered where it should be, a clear failure where it cannot be."""
import time

import pytest

from ansible_collections.vastops.asbuilt.plugins.module_utils.errors import (
    ApiError, CircuitOpen, ConnectionFailed, DeadlineExceeded, ProtocolError, VastError,
)
from ansible_collections.vastops.asbuilt.plugins.module_utils.session import VastSession

from conftest import sim_params
