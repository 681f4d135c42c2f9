import pg from "pg";

/** A PostgreSQL cluster seen through its admin connection: URLs for its databases, and a way to add one. */
export interface DatabaseCluster {
  /** `postgres://` URL for one database of this cluster. */
  connectionString(database: string): string;
  /** Creates a database if it does not exist yet. */
  createDatabase(name: string): Promise<void>;
}

/** The cluster behind `adminUrl` (a URL to any database on it with the right to create databases). */
export function clusterAt(adminUrl: string): DatabaseCluster {
  const connectionString = (database: string) => {
    const url = new URL(adminUrl);
    url.pathname = `/${encodeURIComponent(database)}`;
    return url.toString();
  };
  return {
    connectionString,
    async createDatabase(name) {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      try {
        const exists = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
        if (exists.rowCount === 0) await client.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
      } finally {
        await client.end();
      }
    },
  };
}
