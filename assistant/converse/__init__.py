"""Converse stage: request understanding, dialogue state, grounded answers and agendas."""
