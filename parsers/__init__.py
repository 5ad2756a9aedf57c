"""Reading returned forms: format readers -> Document -> form recognisers -> schema records."""
