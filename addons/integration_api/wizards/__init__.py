from . import integration_api_key_issue_wizard
