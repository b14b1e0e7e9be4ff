import type { RelationKind } from '../../schema/relationship.ts';
import type { TitlePattern } from './occasions.ts';

// What each kind of person gets sung: lines only a partner, a parent or a pet should hear. The
// tone banks (lines.ts) add the variation's colour on top. `remembered` replaces `verse` in a
// memorial, so a late grandmother is sung in the past tense, not "you always have a treat".

export type RelationBank = {
  verse: readonly string[];
  remembered: readonly string[];
  chorus: readonly string[];
  bridge: readonly string[];
  titles: readonly TitlePattern[];
  /** What the song calls them when the buyer gave no name and no relationship. */
  fallbackName: string;
};

export const RELATIONS: Readonly<Record<RelationKind, RelationBank>> = {
  partner: {
    verse: [
      'Every time you look my way',
      'I fell for you so easily',
      "I'd choose you in every life",
      "{name}, you're my everything",
      'You steal the covers every time',
      'Your laughter is my favorite tune',
    ],
    remembered: [
      'I still reach for you at night',
      'Your side of the bed is cold',
      'You were my home, my everything',
      "I'd give the world for one more dance",
    ],
    chorus: [
      'My heart still skips when you walk in',
      'Hold me close and never let me go',
      'In your arms is where I live',
      "You're the reason that I sing",
    ],
    bridge: ["And when we're old and slow", "I'd write it in the stars"],
    titles: [
      { title: 'Forever {Name}', hook: 'Forever you, {name}' },
      { title: 'Love Song for {Name}', hook: 'This love song is yours, {name}' },
      { title: 'My Everything, {Name}', hook: "You're my everything, {name}" },
    ],
    fallbackName: 'my love',
  },
  parent: {
    verse: [
      'You taught me how to stand up tall',
      'You held my hand on the first day',
      'You kept the porch light on for me',
      '{name}, you gave me roots and wings',
      'You always knew just what to say',
      'I still carry every lesson',
    ],
    remembered: [
      'You taught me how to stand up tall',
      'Your voice still tells me to be brave',
      'I hear you every time I laugh',
      'You kept the porch light on for me',
    ],
    chorus: [
      'Everything I am, I learned from you',
      'You gave me roots and gave me wings',
      "I'm still your kid and always will be",
      'Thank you for the home you made',
    ],
    bridge: ['Now I see you in the things I do', 'And one day I will tell my own'],
    titles: [
      { title: 'Roots and Wings, {Name}', hook: 'You gave me roots and wings, {name}' },
      { title: 'Everything I Am, {Name}', hook: 'Everything I am comes from you, {name}' },
      { title: 'Porch Light, {Name}', hook: 'You left the porch light on, {name}' },
    ],
    fallbackName: 'my parent',
  },
  grandparent: {
    verse: [
      'You always had a treat for me',
      'Your kitchen smells of Sunday bread',
      'You taught me cards and patience too',
      '{name}, you hold this family together',
      'Your stories make the evenings long',
      'Three generations know your laugh',
    ],
    remembered: [
      'Your stories filled the evenings',
      'Your kitchen smelled of Sunday bread',
      'You had a treat for every visit',
      'You taught me cards and patience too',
    ],
    chorus: [
      'You made our family what it is',
      'Every story starts with you',
      "There's nothing like your hug",
      'We all grew up in your warm light',
    ],
    bridge: ['Tell me one more story, please', 'The little ones will know your name'],
    titles: [
      { title: 'Tell Me a Story, {Name}', hook: 'Tell me a story, {name}' },
      { title: 'The Heart of Us, {Name}', hook: "You're the heart of us, {name}" },
      { title: 'Generations, {Name}', hook: 'It all goes back to you, {name}' },
    ],
    fallbackName: 'my grandparent',
  },
  child: {
    verse: [
      'I watched you take your very first steps',
      'You grow a little every day',
      '{name}, you make me so proud',
      "I'll always be your biggest fan",
      'You were so small when you arrived',
      'You fill this house with noise and light',
    ],
    remembered: [
      'You filled our house with noise and light',
      'You were the best of all of us',
      'I still hear you running down the hall',
      'You were so small and so brave',
    ],
    chorus: [
      "I'm so proud of who you are",
      'Go on and chase your biggest dream',
      "Wherever you go, I'm home for you",
      'You will always be my kid',
    ],
    bridge: ["And when you're grown and far away", 'Whatever road you choose to take'],
    titles: [
      { title: 'Proud of You, {Name}', hook: "I'm so proud of you, {name}" },
      { title: 'Biggest Fan, {Name}', hook: "I'm your biggest fan, {name}" },
      { title: 'Go Chase It, {Name}', hook: 'Go chase it, {name}' },
    ],
    fallbackName: 'my kid',
  },
  sibling: {
    verse: [
      'We shared a room and shared a fight',
      'You always stole the front seat',
      'You knew my secrets, kept them too',
      '{name}, you were my first best friend',
      'We blamed each other for the mess',
      'Nobody gets my jokes like you',
    ],
    remembered: [
      'We shared a room and shared a fight',
      'You always stole the front seat',
      'You knew my secrets, kept them too',
      'Nobody got my jokes like you',
    ],
    chorus: [
      'Same roots, same crazy family',
      "You're stuck with me for life",
      "I've always got your back",
      'Partners in crime from the start',
    ],
    bridge: ['Remember when we built that fort', "Whatever happens, I'm still here"],
    titles: [
      { title: 'Partners in Crime, {Name}', hook: "We're partners in crime, {name}" },
      { title: 'Stuck With Me, {Name}', hook: "You're stuck with me, {name}" },
      { title: 'Same Roots, {Name}', hook: 'Same roots, same story, {name}' },
    ],
    fallbackName: 'my sibling',
  },
  friend: {
    verse: [
      'You showed up when no one else would',
      'We laugh until we cannot breathe',
      'You know the worst of me and stay',
      '{name}, you always pick up the phone',
      'We made a mess of every plan',
      'Some friends are family you choose',
    ],
    remembered: [
      'You showed up when no one else would',
      'We laughed until we could not breathe',
      'You knew the worst of me and stayed',
      'You always picked up the phone',
    ],
    chorus: [
      "You've always had my back",
      'Friends like you are hard to find',
      "Here's to every crazy night",
      "I'd call you first, I always will",
    ],
    bridge: ["If I've got nothing, I've got you", "Let's make a few more memories"],
    titles: [
      { title: 'Friends Like You, {Name}', hook: 'Friends like you are rare, {name}' },
      { title: 'Got Your Back, {Name}', hook: "I've got your back, {name}" },
      { title: 'The One I Call, {Name}', hook: "You're the one I call, {name}" },
    ],
    fallbackName: 'my friend',
  },
  colleague: {
    verse: [
      'You made Monday mornings bearable',
      'You fixed the things nobody saw',
      '{name}, you lead without a fuss',
      'You always had a calm idea',
      'The coffee breaks were better with you',
      'You taught the new ones all the ropes',
    ],
    remembered: [
      'You made Monday mornings bearable',
      'You fixed the things nobody saw',
      'You always had a calm idea',
      'You taught the new ones all the ropes',
    ],
    chorus: [
      "Here's to all the work you've done",
      "We're all better thanks to you",
      'We could not have done it without you',
      'Thank you for the way you lead',
    ],
    bridge: ['So raise a mug for {name}', "The office won't be quite the same"],
    titles: [
      { title: 'Thanks for Everything, {Name}', hook: 'Thanks for everything, {name}' },
      { title: 'Without You, {Name}', hook: "We couldn't do it without you, {name}" },
      { title: 'Best in the Building, {Name}', hook: "You're the best we've got, {name}" },
    ],
    fallbackName: 'my colleague',
  },
  pet: {
    verse: [
      "You greet me like I've been gone for years",
      'You nap in every patch of sun',
      'Muddy paws across the floor',
      'You think the couch belongs to you',
      'You steal my socks and steal the show',
      "{name}, you're the best friend on four paws",
    ],
    remembered: [
      "You greeted me like I'd been gone for years",
      'You napped in every patch of sun',
      'I still look for you by the door',
      'Your bowl still sits beside the door',
    ],
    chorus: [
      "Who's the best? You are",
      'Best friend in all the world',
      'You make every day a little brighter',
      'Home is where you wait for me',
    ],
    bridge: ['One more walk and one more treat', 'And when you curl up by my feet'],
    titles: [
      { title: "Who's the Best, {Name}", hook: "Who's the best? You are, {name}" },
      { title: 'Sunny Spot, {Name}', hook: 'Save me a sunny spot, {name}' },
      { title: 'Four Paws, {Name}', hook: 'Four paws and a heart of gold, {name}' },
    ],
    fallbackName: 'my buddy',
  },
  someone: {
    verse: [
      'You make the ordinary glow',
      "You've got a way of lifting me",
      '{name}, you make this world kinder',
      'You always see the best in people',
      'Your laughter fills up every room',
      "I'm thankful for the things you do",
    ],
    remembered: [
      'You made the ordinary glow',
      'You always saw the best in people',
      'Your laughter filled up every room',
      'You made this world a little kinder',
    ],
    chorus: [
      'The world is better with you in it',
      'Thank you for being you',
      "There's nobody quite like you",
      'You mean the world to me',
    ],
    bridge: ['So let me say it plain', 'And if I never said it right'],
    titles: [
      { title: 'Nobody Like You, {Name}', hook: "There's nobody like you, {name}" },
      { title: 'Kinder World, {Name}', hook: 'You make the world kinder, {name}' },
      { title: 'Being You, {Name}', hook: 'Thank you for being you, {name}' },
    ],
    fallbackName: 'my friend',
  },
};
