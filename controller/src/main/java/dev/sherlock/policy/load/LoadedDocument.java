package dev.sherlock.policy.load;

import dev.sherlock.policy.PolicyDocument;

/** A document that passed its schema and bound to the model, with where it came from. */
public record LoadedDocument(YamlDocument source, PolicyDocument model) {}
