// Built-in directory role template ids (Entra's), used where code needs to name a role.

export const GLOBAL_ADMINISTRATOR = '62e90394-69f5-4237-9190-012177145e10';
export const PRIVILEGED_AUTHENTICATION_ADMINISTRATOR = '7be44c8a-adaf-4e2a-84d6-ab2649e08a13';
export const AUTHENTICATION_ADMINISTRATOR = 'c4e39bd9-1100-46d3-8c65-fb160da0071f';
export const AUTHENTICATION_POLICY_ADMINISTRATOR = '0526716b-113d-4c15-b2c8-68e3c22b9f80';
