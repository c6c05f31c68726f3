from . import integration_exception_ignore
