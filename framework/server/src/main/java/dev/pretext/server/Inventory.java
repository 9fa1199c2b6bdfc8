package dev.pretext.server;

import java.util.Map;

/** The live plugin registry as the API shows it: plugins (kind, type, version, bundle, state) and problems. */
public interface Inventory {
    Map<String, Object> describe();
}
