"""Tests of resourceful/errors.py (owned by helper A).

NOTE: helper G overwrote this file by mistake (both briefs named tests/test_errors.py);
G's tests of the app's error handling now live in tests/test_error_handling.py.
The problem-details tests that were here are lost and need rewriting; their names were:

- test_as_problem_keeps_status_class_and_headers
- test_as_problem_returns_a_problem_unchanged
- test_as_problem_uses_the_description_as_detail
- test_definition_and_response_errors_are_type_errors
- test_problem_defaults_type_and_title_from_status
- test_problem_details_to_dict_omits_empty_members
- test_problem_extensions_become_extra_members
- test_problem_headers_are_sent
- test_problem_is_an_instance_of_werkzeugs_class_for_its_status
- test_problem_refuses_a_non_error_status
- test_problem_renders_rfc9457_members
- test_problem_str_says_status_title_and_detail
- test_problem_with_unknown_status_is_still_an_http_exception
- test_validation_error_lists_every_field_error
- test_validation_error_status_is_configurable
"""
