// Builds the configured store and publisher. Heavy adapters (MongoDB driver, X client) are imported
// here lazily, so that `capbot --help` and embedded runs never load them.

import type { Config } from "./config.js";
import type { Logger } from "./log.js";
import { createLocalPublisher } from "./publish/local.js";
import type { Publisher } from "./publish/port.js";
import type { Store } from "./store/port.js";

interface OpenStoreOptions {
  /** Dry runs open the embedded store read-only and never create it. */
  readonly?: boolean;
}

export async function openStore(config: Config, options: OpenStoreOptions = {}): Promise<Store> {
  if (config.store === "mongodb" && config.mongo) {
    const { openMongoStore } = await import("./store/mongo.js");
    return openMongoStore({
      uri: config.mongo.uri,
      db: config.mongo.db,
      ohlcv: config.mongo.ohlcvCollection,
      posts: config.mongo.postsCollection,
      serverSelectionTimeoutMs: config.mongo.serverSelectionTimeoutMs,
    });
  }
  const { openEmbeddedStore } = await import("./store/embedded.js");
  return openEmbeddedStore(config.dataDir, { readonly: options.readonly === true });
}

export async function openPublisher(config: Config, logger: Logger): Promise<Publisher> {
  if (config.publisher === "x" && config.x) {
    const { createXPublisher } = await import("./publish/x.js");
    return createXPublisher(config.x, logger);
  }
  return createLocalPublisher(config.dataDir);
}
