package dev.sherlock.session;

/**
 * A task-definition revision Sherlock registered: which base it overlays and with which overlay
 * (its hash). The revision's tags say the same, but Sherlock keeps its own record too, so it knows
 * its revisions where tags do not come back (an emulator, a lost tag) - and never takes its own
 * revision for a person's deploy.
 */
public record ManagedRevision(String arn, String serviceArn, String base, String overlayHash) {}
