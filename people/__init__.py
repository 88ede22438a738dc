"""What people write: users and roles, login, the audit trail, the Zelfscan."""
