"""What every area shares: database base, errors, policy, loaders, tokens, templating."""
