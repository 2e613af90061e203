"""Synthetic name parts for demo patients. No real person is described."""

GIVEN_FEMALE = ("Ana", "Beatriz", "Chloe", "Dana", "Elena", "Fatima", "Grace", "Hana", "Iris", "Jade",
                "Kira", "Lena", "Maya", "Nora", "Olivia", "Priya", "Rosa", "Sofia", "Tess", "Vera")  # fmt: skip
GIVEN_MALE = ("Aaron", "Ben", "Carlos", "Dev", "Eli", "Felix", "Gabe", "Hugo", "Ivan", "Jonah",
              "Kai", "Liam", "Marco", "Nico", "Omar", "Paul")  # fmt: skip
FAMILY = ("Alder", "Brook", "Castell", "Dunmore", "Everly", "Fairwood", "Glenn", "Holloway", "Ingram",
          "Juniper", "Keller", "Lowell", "Marsh", "Northam", "Oakes", "Pell", "Quill", "Rowan", "Sterling",
          "Thorne", "Underhill", "Vance", "Whitlock", "Yardley")  # fmt: skip
STREETS = ("Maple Ave", "Harbor St", "Cedar Ln", "Linden Rd", "Mill St", "Orchard Way")
