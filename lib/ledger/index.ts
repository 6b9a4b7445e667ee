export { post, validateLegs, mergeLegs, type Leg, type Posting, type Asset, type TxKind } from "./post";
export {
  openCustomerAccounts,
  openMerchantAccounts,
  openPoolAccount,
  customerAccounts,
  settlementAccount,
  walletAccounts,
  platformAccounts,
  CUSTOMER_KINDS,
  type CustomerAccounts,
  type PlatformAccounts,
} from "./accounts";
