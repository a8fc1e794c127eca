"""The scenarios, registered in this order (each module in the order its functions are defined).
To add one: a function decorated with @scenario in one of these modules (or a new module
imported here); see e2e/README.md."""

from . import mapping_events  # noqa: F401
from . import admin_notices  # noqa: F401
from . import admin_page  # noqa: F401
from . import durability  # noqa: F401
from . import uninstall  # noqa: F401
