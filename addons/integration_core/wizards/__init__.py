from . import integration_exception_ignore
from . import integration_exception_map
from . import integration_exception_edit
from . import integration_exception_assign
