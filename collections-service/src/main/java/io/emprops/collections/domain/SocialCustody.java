package io.emprops.collections.domain;

import io.emprops.collections.persistence.CollectionRepository;
import io.emprops.collections.persistence.ProjectRepository;
import io.emprops.collections.persistence.SocialLinkRepository;
import io.emprops.web.api.ApiException;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.regex.Pattern;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Collections held for social identities (e.g. Farcaster users) that have no account yet. The
 * first collection made for an identity provisions a user id for it; when a real user links the
 * identity, everything that user id holds moves to them.
 *
 * <p>Both paths lock the identity's row, so a collection made for it while it is being linked
 * either moves with the rest or is made for the linked user directly: none is left behind.
 */
@Service
@Transactional
public class SocialCustody {

  private static final Pattern ORG = Pattern.compile("[a-z0-9][a-z0-9_-]{0,49}");
  static final int MAX_IDENTIFIER_LENGTH = 200;

  private final SocialLinkRepository links;
  private final Projects projects;
  private final ProjectRepository projectRows;
  private final CollectionRepository collections;
  private final CollectionSnapshots snapshots;
  private final CollectionEvents events;

  public SocialCustody(SocialLinkRepository links, Projects projects, ProjectRepository projectRows,
      CollectionRepository collections, CollectionSnapshots snapshots, CollectionEvents events) {
    this.links = links;
    this.projects = projects;
    this.projectRows = projectRows;
    this.collections = collections;
    this.snapshots = snapshots;
    this.events = events;
  }

  /** Where a collection made for the identity goes: its current owner's default project. */
  public Project projectFor(SocialIdentity identity) {
    return projects.defaultFor(lockProvisioned(identity).currentOwner());
  }

  /**
   * Links the identity to {@code userId} and transfers what it holds. Linking again to the same user
   * is a no-op; an identity linked to somebody else is a 409.
   */
  public LinkOutcome link(String userId, SocialIdentity identity) {
    SocialLink link = lockProvisioned(identity);
    if (link.linkedUserId() != null) {
      if (link.linkedUserId().equals(userId)) {
        return new LinkOutcome(link, false, 0, 0);
      }
      throw ApiException.conflict("This social identity is already linked to another account");
    }
    List<UUID> held = collections.idsOwnedBy(link.provisionedUserId());
    int movedProjects = projectRows.transferAll(link.provisionedUserId(), userId);
    collections.transferAll(link.provisionedUserId(), userId);
    SocialLink linked = links.link(link.id(), userId);
    held.forEach(id -> events.updated(snapshots.of(id)));
    return new LinkOutcome(linked, true, movedProjects, held.size());
  }

  private SocialLink lockProvisioned(SocialIdentity identity) {
    String provisioned = "social:" + identity.org() + ":" + UUID.randomUUID();
    links.provisionIfAbsent(identity.org(), identity.identifier(), provisioned);
    return links.lock(identity.org(), identity.identifier()).orElseThrow();
  }

  /**
   * A validated identity: the organisation is case-insensitive ({@code Farcaster} is
   * {@code farcaster}); the identifier is kept as given, without surrounding blanks.
   *
   * @param orgField how the request calls the organisation, for error details
   */
  public static SocialIdentity identity(String org, String identifier, String orgField, String identifierField) {
    Violations violations = new Violations();
    String normalizedOrg = org == null ? null : org.strip().toLowerCase(Locale.ROOT);
    if (normalizedOrg == null || !ORG.matcher(normalizedOrg).matches()) {
      violations.add(orgField, "must be 1 to 50 letters, digits, _ or -, starting with a letter or digit");
    }
    String normalizedIdentifier = identifier == null ? null : identifier.strip();
    if (normalizedIdentifier == null || normalizedIdentifier.isEmpty()
        || normalizedIdentifier.length() > MAX_IDENTIFIER_LENGTH) {
      violations.add(identifierField, "must be 1 to " + MAX_IDENTIFIER_LENGTH + " characters");
    }
    violations.throwIfAny();
    return new SocialIdentity(normalizedOrg, normalizedIdentifier);
  }

  public record SocialIdentity(String org, String identifier) {}

  /** @param linkedNow false when the identity was linked to this user before */
  public record LinkOutcome(SocialLink link, boolean linkedNow, int transferredProjects, int transferredCollections) {}
}
