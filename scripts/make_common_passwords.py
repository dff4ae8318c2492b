"""Write src/kuntur/identity/data/common-passwords.txt: words and runs people use as passwords.

Written here from well-known patterns, not copied from any leaked list (so it carries no
third party's licence): the passwords at the top of every published ranking, Spanish and
Peruvian words (cities, football clubs, first names, family words, faith, the joint
command's own institutions and ranks), and number, letter and keyboard runs. The policy
(identity/passwords.py) also refuses these words with digits and symbols around them,
with look-alike characters, with spaces or repeated, so the file holds only the words.
Deterministic: python scripts/make_common_passwords.py
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from kuntur.identity.passwords import normalise  # noqa: E402

OUT = ROOT / "src" / "kuntur" / "identity" / "data" / "common-passwords.txt"


def words(block: str) -> list[str]:
    """The words of a block of text (blocks read and edit better than long lists)."""
    return block.split()


# The passwords at the top of every published ranking of leaked passwords.
TOP = words("""
password passw0rd p@ssword p@ssw0rd password1 qwerty qwerty123 qwertyuiop qwertyui qwert
asdfgh asdfghjkl asdf zxcvbnm zxcvbn 1q2w3e4r 1q2w3e 1qaz2wsx qazwsx qazwsxedc iloveyou
sunshine princess football baseball basketball soccer hockey monkey dragon master letmein
welcome admin administrator login abc123 abcd1234 shadow superman batman spiderman
trustno1 michael jennifer jordan hunter ranger buster charlie freedom whatever starwars
computer internet secret hello hellokitty flower summer winter spring autumn love lovely
lover angel baby cookie chocolate pokemon naruto minecraft fortnite roblox google
facebook instagram samsung iphone apple killer pepper ginger maggie daniel andrew joshua
thomas robert matthew ashley jessica nicole hannah amanda test testing tester guest root
default changeme user access security passpass pass mypassword mypass letmein123 welcome1
master123 admin123 root123 toor azerty 111111 000000 123123 121212 654321 666666 696969
112233 159753 147258369 789456123 987654321 123321 aaaaaa abcdef abcdefg princess1
sunshine1 football1 monkey1 charlie1 iloveyou1 loveyou mustang harley jordan23 michelle
tigger thunder summer1 liverpool chelsea arsenal manchester barcelona realmadrid juventus
yankees dallas cowboys eagles lakers nirvana metallica matrix merlin silver golden
diamond phoenix orange banana cheese coffee pizza purple yellow blue red green black white
""")

# Spanish and Peruvian words (written without accents: the policy ignores them).
ES = words("""
contrasena contrasenia micontrasena clave miclave clavesecreta secreto micorreo correo
usuario miusuario administrador sistema bienvenido bienvenida hola holamundo holahola
peru peruano peruana peruanos perucampeon arribaperu vivaperu viva elperu miperu patria
bandera blanquirroja rojoyblanco rojiblanco lima limaperu callao cusco cuzco arequipa
trujillo chiclayo piura iquitos huancayo tacna puno ayacucho cajamarca chimbote ica
huanuco pucallpa tumbes moquegua tarapoto huaraz abancay chorrillos miraflores surco
sanisidro sanborja barranco lince rimac comas losolivos sanjuan ate vitarte villaelsalvador
machupicchu machu picchu titicaca inca incas inka tahuantinsuyo pachacutec atahualpa
manco mancocapac tupac tupacamaru grau miguelgrau bolognesi caceres sanmartin bolivar
alianza alianzalima aliancista blanquiazul universitario lau crema cremas cristal
sportingcristal celeste melgar cienciano sportboys garcilaso municipal universitariodedeportes
guerrero paolo paologuerrero farfan cueva pizarro cubillas gareca seleccion seleccionperu
futbol golazo campeon campeona gol messi ronaldo cr7 neymar mbappe
ceviche cebiche pisco piscosour chifa inkakola incakola lomo saltado causa anticucho
chicha cuy pollo pollito polloabrasa papa papas
amor amorcito miamor teamo tequiero tequieromucho teadoro amormio mivida micielo
corazon micorazon mitesoro tesoro princesa principe reina rey bebe bebita bebito nena
nene gordo gorda gordito gordita flaca flaco chino china negro negra negrita cholo
chola mama mami mamita mamá papi papito papa papito hijo hija hermano hermana familia
abuela abuelo tia tio
dios diosesamor diostebendiga diosmio jesus jesucristo cristo jesusteama virgen
virgenmaria maria santarosa senordelosmilagros milagros angel angelito bendicion
jose juan carlos luis miguel pedro manuel francisco antonio eduardo fernando ricardo
jorge cesar victor raul alberto enrique julio javier alejandro gabriel diego andres
sebastian mateo santiago nicolas daniel david adrian bruno rodrigo gonzalo renato
rosa carmen ana sofia valeria camila daniela lucia fernanda gabriela patricia rocio
flor estrella sol luna cielo mariposa andrea paola karina katherine milagros pilar
mercedes yolanda gloria elizabeth jessica vanessa fiorella ximena luciana
quispe mamani huaman flores garcia rodriguez sanchez ramirez torres chavez vasquez
rojas castillo mendoza gutierrez
gato gatito perro perrito michi mascota tigre leon aguila condor puma llama alpaca
vicuna colibri
policia policiaperu pnp policianacional comisaria comisario ejercito ejercitodelperu
marina marinadeguerra armada fuerzaaerea fap fuerzasarmadas ffaa comando comandante
comandoconjunto sargento cabo teniente capitan mayor coronel general almirante soldado
oficial suboficial cadete recluta tropa cuartel serenazgo sereno fiscal fiscalia
defensoria ministerio interior defensa seguridad seguridadciudadana patrulla patrullero
inteligencia despacho kuntur
verano invierno otono primavera enero febrero marzo abril mayo junio julio agosto
septiembre setiembre octubre noviembre diciembre lunes martes miercoles jueves viernes
sabado domingo
uno dos tres cuatro cinco seis siete ocho nueve diez cien mil
""")

# Passwords people write as phrases (joined by the policy when spaced).
PHRASES = [
    "te amo",
    "te quiero",
    "dios te ama",
    "viva el peru",
    "arriba peru",
    "machu picchu",
    "sporting cristal",
    "alianza lima",
    "mi contrasena",
    "hola mundo",
    "i love you",
    "let me in",
]

KEYBOARD_ROWS = ["1234567890", "qwertyuiop", "asdfghjkln", "asdfghjkl", "zxcvbnm"]
WALKS = [
    "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p",
    "1q2w3e4r5t6y7u8i9o0p",
    "q1w2e3r4t5y6u7i8o9p0",
    "qazwsxedcrfvtgbyhnujmikolp",
    "zaqxswcdevfrbgtnhymju",
    "qweasdzxc",
    "asdfqwer",
    "qwertyasdfgh",
    "qwertyuiopasdfghjklzxcvbnm",
    "abcdefghijklmnopqrstuvwxyz",
    "a1b2c3d4e5f6g7h8i9j0",
    "abc123abc123",
    "123abc",
    "123qwe",
    "qwe123",
    "1234qwer",
    "qwer1234",
    "zaq12wsx",
    "!qaz@wsx",
    "123456qwerty",
]


def runs() -> set[str]:
    """Prefixes (4 to 24 characters) of digit runs up and down and of keyboard walks."""
    out: set[str] = set()
    for start in range(10):
        up = "".join(str((start + i) % 10) for i in range(24))
        down = "".join(str((start - i) % 10) for i in range(24))
        out |= {up[:n] for n in range(4, 25)} | {down[:n] for n in range(4, 25)}
    for walk in [*KEYBOARD_ROWS, *WALKS]:
        for text in (walk, walk[::-1]):
            out |= {text[:n] for n in range(4, len(text) + 1)}
    return out


def main() -> None:
    words = {normalise(w) for w in [*TOP, *ES]}
    words |= {normalise(p).replace(" ", "") for p in PHRASES}
    entries = sorted(w for w in words | runs() if len(w) >= 3)
    header = [
        "# Common passwords: words and runs (scripts/make_common_passwords.py).",
        "# Lower case, no accents; see kuntur/identity/passwords.py for how it is read.",
    ]
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text("\n".join(header + entries) + "\n", encoding="utf-8")
    print(f"{len(entries)} entries -> {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
