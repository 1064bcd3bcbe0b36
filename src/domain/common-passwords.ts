// Blocklist of passwords that top public breach corpora (RockYou, the HIBP Pwned Passwords top list,
// NordPass/SplashData yearly lists), for the NIST SP 800-63B §3.1.1.2 "commonly-used values" check.
//
// Only entries of 8+ code points are listed: shorter ones are already refused as too short, so they
// would be dead weight. Every entry is lower-case and NFKC-normalised because password-policy.ts
// compares the normalised, lower-cased password against it. A unit test holds the list to that shape.

const LIST = [
  // digits and keyboard walks
  '12345678', '123456789', '1234567890', '12345678910', '0123456789', '01234567', '87654321',
  '987654321', '9876543210', '11111111', '111111111', '1111111111', '00000000', '000000000',
  '22222222', '55555555', '66666666', '77777777', '88888888', '99999999', '12341234', '11223344',
  '12121212', '123123123', '12344321', '11112222', '147258369', '123654789', '741852963',
  '789456123', '159357456', '123456123', '12345679', '1234512345',
  'qwertyui', 'qwertyuiop', 'qwerty12', 'qwerty123', 'qwerty1234', 'qwerty123456', 'qwer1234',
  '1234qwer', 'q1w2e3r4', 'q1w2e3r4t5', 'q1w2e3r4t5y6', '1q2w3e4r', '1q2w3e4r5t', '1q2w3e4r5t6y',
  '1qaz2wsx', '1qazxsw2', 'zaq12wsx', 'zaq1zaq1', '!qaz2wsx', '1qaz@wsx', 'qazwsxedc', 'qazwsx123',
  '12qwaszx', 'asdfghjk', 'asdfghjkl', 'asdfasdf', 'asdf1234', 'zxcvbnm1', 'zxcvbnm123',
  'zxcvbnmm', 'qweasdzxc', 'qwe12345', '123qweasd', '1234abcd', 'abcd1234', 'abc12345',
  'abc123456', 'abcdefgh', 'abcdefg1', 'a1b2c3d4', 'a1234567', 'aa123456', 'aaaaaaaa',
  '123456aa', '12345678a', '123456789a', '1234567a', 'q1234567', '12345qwert', 'aaa111aaa',
  // "password" and its usual decorations
  'password', 'password1', 'password2', 'password3', 'password12', 'password123', 'password1234',
  'password01', 'password!', 'password1!', 'password@123', 'passw0rd', 'p@ssw0rd', 'p@ssword',
  'p@ssword1', 'p@$$w0rd', 'pa55word', 'pa$$word', 'passpass', 'pass1234', 'pass@123',
  'mypassword', 'mypass123', 'newpassword', 'password11', 'passwort', 'motdepasse', 'contraseña',
  'secret123', 'changeme', 'changeme1', 'changeme123', 'letmein1', 'letmein123', 'letmein!',
  'welcome1', 'welcome12', 'welcome123', 'welcome@123', 'welcome!', 'default1', 'temp1234',
  'temppass', 'test1234', 'testtest', 'test12345', 'guest123', 'user1234', 'login123',
  'admin123', 'admin1234', 'admin@123', 'administrator', 'root1234', 'toor1234', 'access14',
  // names, words, teams and culture
  'iloveyou', 'iloveyou1', 'iloveyou2', 'iloveyou!', 'iloveu123', 'lovelove', 'loveyou1',
  'sunshine', 'sunshine1', 'princess', 'princess1', 'football', 'football1', 'football123',
  'baseball', 'baseball1', 'basketball', 'superman', 'superman1', 'batman123', 'spiderman',
  'starwars', 'starwars1', 'trustno1', 'whatever', 'whatever1', 'dragon123', 'monkey123',
  'shadow123', 'master123', 'michael1', 'jennifer', 'jordan23', 'liverpool', 'liverpool1',
  'chelsea1', 'arsenal1', 'manchester', 'computer', 'computer1', 'internet', 'elephant',
  'michelle', 'jessica1', 'charlie1', 'babygirl', 'babygirl1', 'butterfly', 'butterfly1',
  'chocolate', 'tinkerbell', 'minecraft', 'pokemon1', 'blink182', 'myspace1', 'mustang1',
  'hello123', 'hellohello', 'helloworld', 'qwertyqwerty', 'freedom1', 'blessed1', 'jesus123',
  'nicole12', 'ashley12', 'samsung1', 'google123', 'facebook', 'linkedin', 'microsoft',
  'pakistan', 'bangladesh', 'sayang123', 'daniel12', 'anthony1', 'jonathan', 'december',
  'november', 'princesa', 'metallica', 'fernando', 'corvette', 'marlboro', 'cocacola',
  'summer2023', 'summer2024', 'summer2025', 'winter2023', 'winter2024', 'winter2025',
  'spring2024', 'spring2025', 'autumn2024', 'company1', 'company123',
] as const;

/**
 * Lower-case, NFKC-normalised common passwords. Object.freeze does not stop Set#add, so the
 * ReadonlySet type is the real guard; nothing outside this module holds the mutable Set.
 */
export const COMMON_PASSWORDS: ReadonlySet<string> = Object.freeze(new Set<string>(LIST));
