package io.emprops.publishing.domain.publication;

/** What the publication saga tells the rest of the suite; published with the change that caused it. */
public interface PublicationNotifications {

  /** A deployment transaction of the publication reached the node (again, after a replacement). */
  void submitted(Publication publication);

  void confirmed(Publication publication);

  void failed(Publication publication);
}
