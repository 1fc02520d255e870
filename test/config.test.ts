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

  describe("P-2: GC Notify for access codes by SMS", () => {
    const key = "liaison-5b3c9a1e-7f2d-4c8b-9e6a-1d2f3a4b5c6d-0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0";
    const template = "8e1f6a3b-2c4d-4e5f-8a9b-0c1d2e3f4a5b";

    it("P-2: unset, access codes go to the development outbox", () => {
      expect(readConfig({}).sms).toEqual({ notify: undefined });
    });

    it("P-2: the key and the template, on Canada's Notify unless GC_NOTIFY_URL says otherwise", () => {
      expect(readConfig({ GC_NOTIFY_API_KEY: key, GC_NOTIFY_SMS_TEMPLATE_ID: template }).sms).toEqual({
        notify: { apiKey: key, templateId: template, baseUrl: "https://api.notification.canada.ca" },
      });
      const local = readConfig({
        GC_NOTIFY_API_KEY: key,
        GC_NOTIFY_SMS_TEMPLATE_ID: template,
        GC_NOTIFY_URL: "http://127.0.0.1:6011/",
      });
      expect(local.sms?.notify?.baseUrl).toBe("http://127.0.0.1:6011");
    });

    it("P-2: the key and the template go together; a malformed key is refused without being repeated", () => {
      expect(() => readConfig({ GC_NOTIFY_API_KEY: key })).toThrow(/GC_NOTIFY_SMS_TEMPLATE_ID/);
      expect(() => readConfig({ GC_NOTIFY_SMS_TEMPLATE_ID: template })).toThrow(/GC_NOTIFY_API_KEY/);
      expect(() => readConfig({ GC_NOTIFY_API_KEY: key, GC_NOTIFY_SMS_TEMPLATE_ID: "sms-template" })).toThrow(
        /GC_NOTIFY_SMS_TEMPLATE_ID/,
      );
      const truncated = key.slice(0, -1);
      const error = (() => {
        try {
          readConfig({ GC_NOTIFY_API_KEY: truncated, GC_NOTIFY_SMS_TEMPLATE_ID: template });
        } catch (e) {
          return e as Error;
        }
      })();
      expect(error).toBeInstanceOf(ConfigError);
      expect(error?.message).toMatch(
        /GC_NOTIFY_API_KEY: expected \{key name\}-\{service id\}-\{secret key\}/,
      );
      expect(error?.message).not.toContain("0f1e2d3c");
    });
  });
});
