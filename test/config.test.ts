import { describe, expect, it } from "vitest";
import { ConfigError, readConfig } from "../src/config.ts";

describe("configuration", () => {
  it("defaults to the embedded setup on 127.0.0.1:3000 with development tools", () => {
    const c = readConfig({});
    expect(c).toMatchObject({
      host: "127.0.0.1",
      port: 3000,
      databaseUrl: undefined,
      oidc: undefined,
      devTools: true,
    });
    expect(c.dataDir).toMatch(/data$/);
  });

  it("an empty variable counts as unset (regression: DATABASE_URL= was refused as an invalid URL)", () => {
    expect(readConfig({ DATABASE_URL: "", OIDC_ISSUER: " " })).toMatchObject({
      databaseUrl: undefined,
      oidc: undefined,
    });
  });

  it("an external identity provider turns the development tools off", () => {
    const c = readConfig({ OIDC_ISSUER: "https://id.example.gc.ca", OIDC_CLIENT_ID: "liaison" });
    expect(c.oidc?.issuer).toBe("https://id.example.gc.ca");
    expect(c.devTools).toBe(false);
  });

  it("says what is wrong: a bad port, a bad URL, an issuer without a client id", () => {
    expect(() => readConfig({ PORT: "eighty" })).toThrow(ConfigError);
    expect(() => readConfig({ DATABASE_URL: "not a url" })).toThrow(/DATABASE_URL/);
    expect(() => readConfig({ OIDC_ISSUER: "https://id.example" })).toThrow(/OIDC_CLIENT_ID/);
  });
});
