"""Modal screens: filters, comparison set-up, help, a contact's accounts, the problem list."""
