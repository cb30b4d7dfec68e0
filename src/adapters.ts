// Builds the configured store and publishers. Each adapter's module is imported here only when it is
// configured, and the heavy clients (MongoDB driver, the networks' libraries) load inside them on first
// use, so that `capbot --help`, dry runs and embedded runs never pay for what they do not use.

import type { Config } from "./config.js";
import type { PublisherName } from "./core/types.js";
import type { Logger } from "./log.js";
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

/** The configured publishers, in the order a run publishes to them. */
export async function openPublishers(config: Config, logger: Logger): Promise<Publisher[]> {
  return Promise.all(config.publishers.map((name) => openPublisher(name, config, logger)));
}

async function openPublisher(name: PublisherName, config: Config, logger: Logger): Promise<Publisher> {
  switch (name) {
    case "x": {
      const { createXPublisher } = await import("./publish/x.js");
      return createXPublisher(required(config.x, name), logger);
    }
    case "bluesky": {
      const { createBlueskyPublisher } = await import("./publish/bluesky/index.js");
      return createBlueskyPublisher({ ...required(config.bluesky, name), chart: config.chart }, logger);
    }
    case "mastodon": {
      const { createMastodonPublisher } = await import("./publish/mastodon/index.js");
      return createMastodonPublisher({ ...required(config.mastodon, name), chart: config.chart }, logger);
    }
    case "telegram": {
      const { createTelegramPublisher } = await import("./publish/telegram/index.js");
      return createTelegramPublisher({ ...required(config.telegram, name), chart: config.chart }, logger);
    }
    case "local": {
      const { createLocalPublisher } = await import("./publish/local.js");
      return createLocalPublisher(config.dataDir);
    }
    default:
      throw new Error(`the ${name} publisher is not built into this capbot`);
  }
}

/** The configuration guarantees a listed network's settings; this keeps the types honest. */
function required<T>(settings: T | null, name: PublisherName): T {
  if (settings === null) throw new Error(`the ${name} publisher has no settings`);
  return settings;
}
