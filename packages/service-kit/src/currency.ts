import { z } from "zod";

/**
 * ISO 4217 List One: the active currency codes, without fund codes (BOV, CHE, USN …), precious metals (XAU …),
 * and the testing and "no currency" codes (XTS, XXX). Committed rather than read from
 * `Intl.supportedValuesOf("currency")`, whose answer is whatever the runtime's ICU data holds: it differs between
 * Node versions and builds (small-icu), so two replicas or the dev machine and the image could disagree.
 * Update it when ISO's maintenance agency publishes an amendment.
 */
export const ISO_4217_CURRENCIES: ReadonlySet<string> = new Set(
  (
    "AED AFN ALL AMD AOA ARS AUD AWG AZN BAM BBD BDT BHD BIF BMD BND BOB BRL BSD BTN BWP BYN BZD CAD CDF CHF CLP " +
    "CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG " +
    "HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL " +
    "MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR " +
    "RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD " +
    "TZS UAH UGX USD UYU UZS VED VES VND VUV WST XAF XCD XCG XOF XPF YER ZAR ZMW ZWG"
  ).split(" "),
);

/** An active ISO 4217 currency code such as EUR. */
export const currencySchema = z
  .string()
  .refine((code) => ISO_4217_CURRENCIES.has(code), "must be an active ISO 4217 currency code such as EUR");
